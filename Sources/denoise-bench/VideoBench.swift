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
        discussion: "With several models (--model video,quality), each is timed in turn in this one run and its "
            + "speed printed as a ratio to the first, so the ratios share the machine's state.")

    @Option(help: "Model(s), comma-separated: presets or weight files.") var model = "fast"
    @Option var frames = 6
    @Option var threads: Int?
    @Option(help: "C kernel build: portable, avx2 or avx512 (default: the best this CPU runs).")
    var kernels: String?

    func run() throws {
        try selectKernels(kernels)
        print("kernels: \(KernelBuild.current), matrix products in \(MatrixPrecision.fastest); \(cpuDescription())")
        // Frames with their own noise, so a temporal model's window holds distinct frames and its block
        // matching and prefilter do all their work (copies of one frame would be skipped).
        let clip = (0..<max(1, frames)).map { syntheticNoisyImage(width: 854, height: 480, sigma: 25, seed: 0x1234_5678 + UInt64($0)) }
        var first: Double?
        for name in model.split(separator: ",").map(String.init) {
            let denoiser = try Denoiser(model: try ModelCatalog.load(name), threads: threads)
            let stream = { FrameStream<Int>(frames: denoiser.frames) { try denoiser.denoise(window: $0, sigma: 25) } }
            func run(_ count: Int) throws {
                let s = stream()
                for i in 0..<count { _ = try s.push(clip[i], payload: i) }
                _ = try s.finish()
            }
            try run(1)  // warm-up
            let fps = Double(frames) / (try seconds { try run(frames) })
            first = first ?? fps
            print(String(format: "video %@ 854x480: %.2f frames/s (denoising only, %d-frame window), %.2fx the first, peak RSS %.0f MB",
                         name, fps, denoiser.frames, fps / first!, peakRSSMegabytes()))
        }
    }
}
