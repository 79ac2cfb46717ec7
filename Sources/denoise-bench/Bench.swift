import ArgumentParser
import DenoiseCLI
import DenoiseKit
import Dispatch
import Engine
import Foundation
import Imaging
import SkipatModel

#if canImport(Glibc)
import Glibc
#endif

/// Speed and memory measurements (not tests): every figure is measured in the same run as the figure
/// it is compared with, because the machines are shared and noisy.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise-bench",
        abstract: "Throughput and memory of the SKIPAT engine and pipeline.",
        subcommands: [EngineBench.self, ImageBench.self, VideoBench.self, PipelineBench.self])
}

/// Peak resident set size of this process so far, in MB.
func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// A deterministic noisy test picture (smooth structure plus pseudo-random noise of `sigma`).
func syntheticNoisyImage(width: Int, height: Int, sigma: Float) -> PlanarImage {
    var image = PlanarImage(width: width, height: height, channels: 3)
    var state: UInt64 = 0x1234_5678
    for c in 0..<3 {
        for y in 0..<height {
            for x in 0..<width {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let u = Float(state >> 40) / Float(1 << 24) - 0.5  // uniform, variance 1/12
                let base = 0.5 + 0.3 * sin(Float(x) / 37 + Float(c)) * cos(Float(y) / 23)
                image[c, y, x] = base + u * sigma / 255 * Float(12).squareRoot()
            }
        }
    }
    return image
}

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

/// Runs Scripts/`script` with python3 and returns the JSON objects it prints, one per line.
func pythonJSONLines(_ script: String, _ arguments: [String]) throws -> [[String: Any]] {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts/\(script)").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", path] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw ToolError("Scripts/\(script)", "failed (is torch installed?)") }
    return try String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
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
        let next = BatchCounter()
        let outputAddresses = outputs.map { UInt(bitPattern: $0) }
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            let out = UnsafeMutablePointer<Float>(bitPattern: outputAddresses[worker])!
            while next.take(below: batch) {
                model.forward(input, height: tile, width: tile, into: out, workspace: workspaces[worker])
            }
        }
    }
}

/// Lets concurrent workers claim `limit` units of work.
final class BatchCounter: @unchecked Sendable {
    private var taken = 0
    private let lock = NSLock()
    func take(below limit: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        taken += 1
        return taken <= limit
    }
}

struct ImageBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "image", abstract: "Seconds and peak RSS to denoise one large image.")

    @Option var model = "quality"
    @Option var width = 6000
    @Option var height = 4000
    @Option var threads: Int?
    @Flag(help: "Then time FFDNet (colour, PyTorch eager, same threads; Scripts/bench_ffdnet.py) and print the ratio.")
    var ffdnet = false

    func run() throws {
        let image = syntheticNoisyImage(width: width, height: height, sigma: 25)
        let denoiser = try Denoiser(model: try ModelCatalog.load(model), threads: threads)
        var estimate: Float = 0
        let estimateSeconds = seconds { estimate = denoiser.estimator.blindLevel(image).modelSigma }
        let t = seconds { _ = denoiser.denoise(image, sigma: 25) }
        let megapixels = Double(width * height) / 1e6
        print(String(format: "image %@ %dx%d: %.1f s (%.2f s/MP), noise estimate %.1f in %.2f s, peak RSS %.0f MB",
                     model, width, height, t, t / megapixels, estimate, estimateSeconds, peakRSSMegabytes()))
        guard ffdnet else { return }
        let threads = denoiser.processor.threads
        guard let reference = try pythonJSONLines("bench_ffdnet.py", ["--threads", "\(threads)"]).first,
              let ffdnetSeconds = reference["seconds_per_megapixel"] as? Double else {
            throw ToolError("Scripts/bench_ffdnet.py", "printed no timing")
        }
        print(String(format: "ffdnet-color (PyTorch eager, %d threads, 1024x1024): %.2f s/MP -> %@ takes %.2fx FFDNet's time",
                     threads, ffdnetSeconds, model, t / megapixels / ffdnetSeconds))
    }
}

struct VideoBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "video", abstract: "Frames per second of the denoiser at 854x480.")

    @Option var model = "fast"
    @Option var frames = 6
    @Option var threads: Int?

    func run() throws {
        let frame = syntheticNoisyImage(width: 854, height: 480, sigma: 25)
        let denoiser = try Denoiser(model: try ModelCatalog.load(model), threads: threads)
        _ = denoiser.denoise(frame, sigma: 25)  // warm-up
        let t = seconds { for _ in 0..<frames { _ = denoiser.denoise(frame, sigma: 25) } }
        print(String(format: "video %@ 854x480: %.2f frames/s (denoising only), peak RSS %.0f MB",
                     model, Double(frames) / t, peakRSSMegabytes()))
    }
}

struct PipelineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "For each preset, in a fresh process each (so peak RSS is per preset): image and video benchmarks.")

    @Option var models = "quality,quality-baseline,fast"
    @Option var width = 6000
    @Option var height = 4000
    @Flag(help: "Time FFDNet (PyTorch) after each image run and print the ratio (needs python3 with torch).")
    var ffdnet = false

    func run() throws {
        for name in models.split(separator: ",").map(String.init) {
            let image = ["image", "--model", name, "--width", "\(width)", "--height", "\(height)"] + (ffdnet ? ["--ffdnet"] : [])
            for arguments in [image, ["video", "--model", name]] {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
                process.arguments = arguments
                try process.run()
                process.waitUntilExit()
            }
        }
    }
}
