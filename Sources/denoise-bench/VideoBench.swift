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

    func run() throws {
        let frame = syntheticNoisyImage(width: 854, height: 480, sigma: 25)
        var first: Double?
        for name in model.split(separator: ",").map(String.init) {
            let denoiser = try Denoiser(model: try ModelCatalog.load(name), threads: threads)
            let stream = { FrameStream<Int>(frames: denoiser.frames) { try denoiser.denoise(window: $0, sigma: 25) } }
            func clip(_ count: Int) throws {
                let s = stream()
                for i in 0..<count { _ = try s.push(frame, payload: i) }
                _ = try s.finish()
            }
            try clip(1)  // warm-up
            let fps = Double(frames) / (try seconds { try clip(frames) })
            first = first ?? fps
            print(String(format: "video %@ 854x480: %.2f frames/s (denoising only, %d-frame window), %.2fx the first, peak RSS %.0f MB",
                         name, fps, denoiser.frames, fps / first!, peakRSSMegabytes()))
        }
    }
}
