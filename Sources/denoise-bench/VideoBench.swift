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
    static let configuration = CommandConfiguration(commandName: "video", abstract: "Frames per second of the denoiser at 854x480.")

    @Option var model = "fast"
    @Option var frames = 6
    @Option var threads: Int?

    func run() throws {
        let frame = syntheticNoisyImage(width: 854, height: 480, sigma: 25)
        let denoiser = try Denoiser(model: try ModelCatalog.load(model), threads: threads)
        _ = try denoiser.denoise(frame, sigma: 25)  // warm-up
        let t = try seconds { for _ in 0..<frames { _ = try denoiser.denoise(frame, sigma: 25) } }
        print(String(format: "video %@ 854x480: %.2f frames/s (denoising only), peak RSS %.0f MB",
                     model, Double(frames) / t, peakRSSMegabytes()))
    }
}
