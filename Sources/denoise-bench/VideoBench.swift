import ArgumentParser
import DenoiseCLI
import DenoiseKit
import Dispatch
import Engine
import Foundation
import Imaging
import SkipatModel
import Tiling

struct VideoBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "video",
        abstract: "Frames per second at 854x480, as denoise-video runs a clip (frame ring, scene-cut detection).",
        discussion: "With several models (--model video,quality), each round times every model in turn, and each "
            + "speed is printed as the median over rounds of its ratio to the first model's in the same round, so "
            + "the ratios share the machine's state.")

    @Option(help: "Model(s), comma-separated: presets or weight files.") var model = "fast"
    @Option var frames = 6
    @Option var threads: Int?
    @Option(help: "Timed rounds, each running the clip through every model once (medians reported).")
    var repeats = 3
    @Option(help: "C kernel build: portable, avx2 or avx512 (default: the best this CPU runs).")
    var kernels: String?

    func run() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats \(repeats): at least 1") }
        try selectKernels(kernels)
        print("kernels: \(KernelBuild.current), matrix products in \(MatrixPrecision.fastest); \(cpuDescription())")
        // Frames with their own noise, so a temporal model's window holds distinct frames and its block
        // matching and prefilter do all their work (copies of one frame would be skipped).
        let clip = (0..<max(1, frames)).map { syntheticNoisyImage(width: 854, height: 480, sigma: 25, seed: 0x1234_5678 + UInt64($0)) }
        let names = model.split(separator: ",").map(String.init)
        let denoisers = try names.map { try Denoiser(model: try ModelCatalog.load($0), threads: threads) }
        func run(_ denoiser: Denoiser, _ count: Int) throws {
            let stream = FrameStream<Int>(frames: denoiser.frames) { try denoiser.denoise(window: $0, sigma: 25) }
            for i in 0..<count { _ = try stream.push(clip[i], payload: i) }
            _ = try stream.finish()
        }
        for denoiser in denoisers { try run(denoiser, 1) }  // warm-up
        var fps = [[Double]](repeating: [], count: denoisers.count)
        for _ in 0..<repeats {
            for (i, denoiser) in denoisers.enumerated() { fps[i].append(Double(clip.count) / (try seconds { try run(denoiser, clip.count) })) }
        }
        for (i, name) in names.enumerated() {
            print(String(format: "video %@ 854x480: %.2f frames/s (denoising only, %d-frame window), %.2fx the first",
                         name, median(fps[i]), denoisers[i].frames, median(zip(fps[i], fps[0]).map { $0 / $1 })))
        }
        print(String(format: "peak RSS %.0f MB (all %d models held at once)", peakRSSMegabytes(), denoisers.count))
    }
}
