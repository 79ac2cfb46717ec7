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

    @Option(help: "Timed rounds, each timing sgemm and every case once (medians reported).")
    var repeats = 3

    @Flag(help: "Skip the PyTorch comparison (needs python3 with torch).")
    var noPytorch = false

    @Option(help: "C kernel build: portable, avx2 or avx512 (default: the best this CPU runs).")
    var kernels: String?

    @Option(help: "Comma-separated precisions of the matrix products: float32, bfloat16, int8 (default: float32 and every reduced precision this CPU runs).")
    var precisions: String?

    func run() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats \(repeats): at least 1") }
        let tile = 128
        try selectKernels(kernels)
        setBLASThreads(1)  // and left at 1: the engine's threads are its tile workers (Engine/GEMM.swift)
        let gemm1 = sgemmGFLOPS(n: 1024)
        let precisionList = try self.precisionList()
        let names = models.split(separator: ",").map(String.init)
        var paths: [String: String] = [:]
        for name in names { paths[name] = ModelCatalog.resolvedPath(name) }
        // One runner per model and precision, each with its own model and workspaces.
        let cases = precisionList.flatMap { precision in names.indices.map { (model: $0, precision: precision) } }
        let runners = try cases.map {
            TileBatchRunner(model: try ModelCatalog.load(names[$0.model], precision: $0.precision), threads: threads,
                            batch: batch, tile: tile)
        }
        func timed(_ i: Int) -> Double { seconds(runners[i].run) }
        for i in runners.indices { _ = timed(i) }  // warm-up: sizes every workspace
        let allocations = runners.map(\.allocationCount)
        // Each round times sgemm and then every case (A B C A B C ...), and every ratio below is the median
        // of the ratios within a round: the machine's speed drifts (up to 20% between rounds on a shared
        // 2-core host), and a ratio of two times taken seconds apart would carry that drift.
        var times = [[Double]](repeating: [], count: runners.count), gemms: [Double] = []
        for _ in 0..<repeats {
            setBLASThreads(threads)
            gemms.append(sgemmGFLOPS(n: 1024))
            setBLASThreads(1)
            for i in runners.indices { times[i].append(timed(i)) }
        }
        let gemm = median(gemms)
        print(String(format: "sgemm 1024^3: %.1f GFLOP/s (%d threads, median of the rounds), %.1f GFLOP/s (1 thread); kernels: %@; %@",
                     gemm, threads, gemm1, KernelBuild.current.description, cpuDescription()))
        var index: [MatrixPrecision: [String: Int]] = [:]
        for (i, (model, precision)) in cases.enumerated() {
            let runner = runners[i], t = median(times[i]), name = names[model]
            index[precision, default: [:]][name] = i
            let flops = 2 * runner.model.config.macsPerPixel * Double(tile * tile * batch)
            let share = median(zip(times[i], gemms).map { flops / $0 / 1e9 / $1 })
            print(String(format: "%-18@ swift %@: %.3f s per %d tiles (%.1f tiles/s), %.1f GFLOP/s = %.0f%% of sgemm; workspaces %.0f MB; steady-state allocations: %@; peak RSS %.0f MB",
                         name, precision.description, t, batch, Double(batch) / t, flops / t / 1e9, 100 * share,
                         Double(runner.workspaceBytes) / 1e6, runner.allocationCount == allocations[i] ? "none" : "YES",
                         peakRSSMegabytes()))
        }
        /// Median over rounds of time(slower case) / time(faster case): how many times faster `fast` runs.
        func speedup(_ fast: Int, over slow: Int) -> Double { median(zip(times[slow], times[fast]).map { $0 / $1 }) }
        if let full = index[.float32] {
            for precision in [MatrixPrecision.bfloat16, .int8] {
                guard let reduced = index[precision] else { continue }
                for name in names {
                    print(String(format: "%@ vs float32 in Swift (%@): %.2fx throughput", precision.description, name,
                                 speedup(reduced[name]!, over: full[name]!)))
                }
            }
        }
        let comparedPrecision = precisionList.last!  // PyTorch runs float32
        let swiftSeconds = index[comparedPrecision]!.mapValues { median(times[$0]) }
        for precision in precisionList {
            let byName = index[precision]!
            for (skipat, baseline) in Self.pairs(Array(byName.keys)) {
                print(String(format: "SKIPAT vs baseline in Swift %@ (%@ vs %@): %.2fx throughput", precision.description, skipat,
                             baseline, speedup(byName[skipat]!, over: byName[baseline]!)))
            }
        }
        guard !noPytorch else { return }
        let torch = try pytorchSeconds(paths: models.split(separator: ",").compactMap { paths[String($0)] }, tile: tile)
        var torchByName: [String: Double] = [:]
        for name in models.split(separator: ",").map(String.init) {
            guard let path = paths[name], let p = torch[path], let s = swiftSeconds[name] else { continue }
            torchByName[name] = p
            print(String(format: "%-18@ pytorch eager (%d threads): %.3f s per %d tiles -> Swift (%@) is %.2fx faster", name, threads, p,
                         batch, comparedPrecision.description, p / s))
        }
        for (skipat, baseline) in Self.pairs(Array(torchByName.keys)) {
            print(String(format: "SKIPAT vs baseline in PyTorch (%@ vs %@): %.2fx throughput", skipat, baseline,
                         torchByName[baseline]! / torchByName[skipat]!))
        }
    }

    /// The precisions to time: the ones asked for, else float32 and every reduced precision this CPU runs now.
    func precisionList() throws -> [MatrixPrecision] {
        guard let precisions else {
            return MatrixPrecision.allCases.filter { $0 == .float32 || $0.runsNow }
        }
        return try Self.parsePrecisions(precisions)
    }

    /// "float32,bfloat16,int8" -> the precisions, refusing one whose kernels cannot run now.
    static func parsePrecisions(_ text: String) throws -> [MatrixPrecision] {
        guard !text.split(separator: ",").isEmpty else { throw ValidationError("--precisions: give float32, bfloat16, int8 or several") }
        return try text.split(separator: ",").map { item in
            guard let precision = MatrixPrecision(rawValue: String(item)) else {
                throw ValidationError("--precisions \(item): one of float32, bfloat16, int8")
            }
            guard precision == .float32 || precision.runsNow else {
                throw ValidationError("--precisions \(item): its kernels cannot run with this CPU and kernel build (\(precision.requirement))")
            }
            return precision
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
