import ArgumentParser
import DenoiseCLI
import DenoiseKit
import Dispatch
import Engine
import Foundation
import Imaging
import SkipatModel
import Tiling

struct ImageBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Seconds per megapixel to denoise one large image, per model and precision, beside FFDNet in the same run.")

    @Option(help: "Comma-separated presets or weight files.")
    var models = "quality"
    @Option var width = 6000
    @Option var height = 4000
    @Option var threads: Int?
    @Option(help: "Timed rounds; each times every case once, FFDNet included (median reported).")
    var repeats = 1
    @Option(help: "Comma-separated precisions of the matrix products: float32, bfloat16, int8 (default: the tools' default).")
    var precisions: String?
    @Option(help: "Comma-separated tile overlaps in pixels (default: the tools' default, \(Denoiser.defaultOverlap)).")
    var overlaps = "\(Denoiser.defaultOverlap)"
    @Option(help: "C kernel build: portable, avx2 or avx512 (default: the best this CPU runs). With avx2, FFDNet's PyTorch is held to AVX2 as well.")
    var kernels: String?
    @Flag(help: "Also time FFDNet (colour, PyTorch eager, same threads; Scripts/bench_ffdnet.py) in every round and print the ratios.")
    var ffdnet = false

    func run() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats \(repeats): at least 1") }
        try selectKernels(kernels)
        let image = syntheticNoisyImage(width: width, height: height, sigma: 25)
        let precisionList = try precisions.map { try EngineBench.parsePrecisions($0) } ?? [MatrixPrecision.fastest]
        let names = models.split(separator: ",").map(String.init)
        let overlapList = try overlaps.split(separator: ",").map { text -> Int in
            guard let overlap = Int(text), overlap >= 0, 2 * overlap < Denoiser.defaultTileSize else {
                throw ValidationError("--overlaps \(text): give overlaps from 0 to \(Denoiser.defaultTileSize / 2 - 1)")
            }
            return overlap
        }
        let cases = precisionList.flatMap { precision in
            overlapList.flatMap { overlap in names.indices.map { (model: $0, precision: precision, overlap: overlap) } }
        }
        let denoisers = try cases.map {
            try Denoiser(model: try ModelCatalog.load(names[$0.model], precision: $0.precision), overlap: $0.overlap, threads: threads)
        }
        let workers = denoisers[0].processor.threads, megapixels = Double(width * height) / 1e6
        print(String(format: "image %dx%d, %d threads, kernels: %@; %@", width, height, workers,
                     KernelBuild.current.description, cpuDescription()))
        var estimate: Float = 0
        let estimateSeconds = seconds { estimate = denoisers[0].estimator.blindLevel(image).modelSigma }
        print(String(format: "noise estimate %.1f in %.2f s", estimate, estimateSeconds))

        // Rounds interleave the cases and FFDNet (A B F A B F ...) so drift in the machine's speed hits all alike.
        var times = [[Double]](repeating: [], count: cases.count), ffdnetTimes: [Double] = []
        for _ in 0..<repeats {
            for i in cases.indices {
                times[i].append(try seconds { _ = try denoisers[i].denoise(image, sigma: 25) } / megapixels)
            }
            if ffdnet { ffdnetTimes.append(try ffdnetSecondsPerMegapixel(threads: workers)) }
        }
        let ffdnetMedian = ffdnet ? median(ffdnetTimes) : nil
        if let ffdnetMedian {
            print(String(format: "ffdnet-color (PyTorch eager, %d threads, 1024x1024): %.2f s/MP", workers, ffdnetMedian))
        }
        for (i, (model, precision, overlap)) in cases.enumerated() {
            let t = median(times[i])
            var line = String(format: "%-18@ %@, overlap %d: %.2f s/MP", names[model], precision.description, overlap, t)
            if ffdnet {  // the median of each round's ratio: drift between rounds cancels within one
                line += String(format: " -> %.2fx FFDNet's time", median(zip(times[i], ffdnetTimes).map { $0 / $1 }))
            }
            print(line)
        }
        print(String(format: "peak RSS %.0f MB (all %d cases' models and workspaces held at once)", peakRSSMegabytes(), cases.count))
    }

    func ffdnetSecondsPerMegapixel(threads: Int) throws -> Double {
        guard let reference = try pythonJSONLines("bench_ffdnet.py", ["--threads", "\(threads)"]).first,
              let value = reference["seconds_per_megapixel"] as? Double else {
            throw ToolError("Scripts/bench_ffdnet.py", "printed no timing")
        }
        return value
    }
}
