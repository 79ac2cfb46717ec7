import ArgumentParser
import DenoiseCLI
import DenoiseKit
import Dispatch
import Engine
import Foundation
import Imaging
import SkipatModel
import Tiling

struct EngineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Swift engine vs PyTorch eager on the same weights and tile batch; SKIPAT vs baseline; GFLOP/s vs sgemm.")

    @Option(help: "Comma-separated presets or weight files.")
    var models = "quality,quality-baseline,fast"

    @Option(help: "Tiles per batch.")
    var batch = 8

    @Option(help: "Worker threads for the Swift engine (PyTorch gets the same number).")
    var threads = 2

    @Option(help: "Timed batches (median reported).")
    var repeats = 3

    @Flag(help: "Skip the PyTorch comparison (needs python3 with torch).")
    var noPytorch = false

    @Option(help: "C kernel build: portable, avx2 or avx512 (default: the best this CPU runs).")
    var kernels: String?

    func run() throws {
        let tile = 128
        if let kernels {
            let names: [String: KernelBuild] = ["portable": .portable, "avx2": .avx2, "avx512": .avx512]
            guard let build = names[kernels], KernelBuild.supported.contains(build) else {
                throw ValidationError("--kernels \(kernels): this CPU runs \(KernelBuild.supported.map(\.description).joined(separator: ", "))")
            }
            KernelBuild.select(build)
        }
        setBLASThreads(threads)
        let gemm = sgemmGFLOPS(n: 1024)
        setBLASThreads(1)
        let gemm1 = sgemmGFLOPS(n: 1024)
        print(String(format: "sgemm 1024^3: %.1f GFLOP/s (%d threads), %.1f GFLOP/s (1 thread); kernels: %@",
                     gemm, threads, gemm1, KernelBuild.current.description))
        let names = models.split(separator: ",").map(String.init)
        var paths: [String: String] = [:]
        let runners = try names.map { name -> TileBatchRunner in
            paths[name] = ModelCatalog.resolvedPath(name)
            return TileBatchRunner(model: try ModelCatalog.load(name), threads: threads, batch: batch, tile: tile)
        }
        for runner in runners { runner.run() }  // warm-up: sizes every workspace
        let allocations = runners.map(\.allocationCount)
        // Repeats interleave the models (A B C A B C ...) so drift in the machine's speed hits all alike.
        var times = [[Double]](repeating: [], count: runners.count)
        for _ in 0..<repeats {
            for (i, runner) in runners.enumerated() { times[i].append(seconds(runner.run)) }
        }
        var swiftSeconds: [String: Double] = [:]
        for (i, name) in names.enumerated() {
            let runner = runners[i], t = times[i].sorted()[repeats / 2]
            swiftSeconds[name] = t
            let flops = 2 * runner.model.config.macsPerPixel * Double(tile * tile * batch)
            print(String(format: "%-18@ swift: %.3f s per %d tiles (%.1f tiles/s), %.1f GFLOP/s = %.0f%% of sgemm; workspaces %.0f MB; steady-state allocations: %@; peak RSS %.0f MB",
                         name, t, batch, Double(batch) / t, flops / t / 1e9, 100 * flops / t / 1e9 / gemm,
                         Double(runner.workspaceBytes) / 1e6, runner.allocationCount == allocations[i] ? "none" : "YES",
                         peakRSSMegabytes()))
        }
        for (skipat, baseline) in Self.pairs(Array(swiftSeconds.keys)) {
            print(String(format: "SKIPAT vs baseline in Swift (%@ vs %@): %.2fx throughput", skipat, baseline,
                         swiftSeconds[baseline]! / swiftSeconds[skipat]!))
        }
        guard !noPytorch else { return }
        let torch = try pytorchSeconds(paths: models.split(separator: ",").compactMap { paths[String($0)] }, tile: tile)
        var torchByName: [String: Double] = [:]
        for name in models.split(separator: ",").map(String.init) {
            guard let path = paths[name], let p = torch[path], let s = swiftSeconds[name] else { continue }
            torchByName[name] = p
            print(String(format: "%-18@ pytorch eager (%d threads): %.3f s per %d tiles -> Swift is %.2fx faster", name, threads, p, batch, p / s))
        }
        for (skipat, baseline) in Self.pairs(Array(torchByName.keys)) {
            print(String(format: "SKIPAT vs baseline in PyTorch (%@ vs %@): %.2fx throughput", skipat, baseline,
                         torchByName[baseline]! / torchByName[skipat]!))
        }
    }

    /// (SKIPAT model, its baseline) among `names`: "x" with "x-baseline", or "x-skipat" with "x-baseline".
    static func pairs(_ names: [String]) -> [(String, String)] {
        names.compactMap { name -> (String, String)? in
            let stem = name.hasSuffix(".safetensors") ? String(name.dropLast(12)) : name
            let base = stem.hasSuffix("-skipat") ? String(stem.dropLast(7)) : stem
            let ext = name.hasSuffix(".safetensors") ? ".safetensors" : ""
            let baseline = base + "-baseline" + ext
            return names.contains(baseline) && baseline != name ? (name, baseline) : nil
        }.sorted { $0.0 < $1.0 }
    }

    func sgemmGFLOPS(n: Int) -> Double {
        let a = [Float](repeating: 0.5, count: n * n), b = a
        var c = [Float](repeating: 0, count: n * n)
        sgemm(a, b, &c, m: n, n: n, k: n, transposedB: false, beta: 0)
        let t = (0..<3).map { _ in seconds { sgemm(a, b, &c, m: n, n: n, k: n, transposedB: false, beta: 0) } }.min()!
        return 2 * Double(n * n * n) / t / 1e9
    }

    func pytorchSeconds(paths: [String], tile: Int) throws -> [String: Double] {
        let lines = try pythonJSONLines("bench_torch.py", paths + ["--batch", "\(batch)", "--tile", "\(tile)", "--threads", "\(threads)",
                                                                   "--repeat", "\(repeats)"])
        var result: [String: Double] = [:]
        for object in lines {
            if let path = object["weights"] as? String, let s = object["seconds_per_batch"] as? Double { result[path] = s }
        }
        return result
    }
}

/// One model's forward pass over a batch of identical tiles, spread over worker threads, each with
/// its own workspace (the engine's threading model).
final class TileBatchRunner {
    let model: SkipatDenoiser
    let threads: Int, batch: Int, tile: Int
    private let workspaces: [Workspace]
    private let input: [Float]
    private let outputs: [UnsafeMutablePointer<Float>]

    init(model: SkipatDenoiser, threads: Int, batch: Int, tile: Int) {
        (self.model, self.threads, self.batch, self.tile) = (model, threads, batch, tile)
        workspaces = (0..<threads).map { _ in model.makeWorkspace() }
        input = (0..<(tile * tile * 4)).map { i in Float((i * 7919) % 1000) / 1000 }
        outputs = (0..<threads).map { _ in .allocate(capacity: tile * tile * 3) }
    }

    deinit { outputs.forEach { $0.deallocate() } }

    var allocationCount: Int { workspaces.map(\.allocationCount).reduce(0, +) }
    var workspaceBytes: Int { workspaces.map(\.bytes).reduce(0, +) }

    func run() {
        let next = WorkCounter()
        let outputAddresses = outputs.map { UInt(bitPattern: $0) }
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            let out = UnsafeMutablePointer<Float>(bitPattern: outputAddresses[worker])!
            while next.take(below: batch) != nil {
                model.forward(input, height: tile, width: tile, into: out, workspace: workspaces[worker])
            }
        }
    }
}
