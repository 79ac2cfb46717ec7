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
        let t = try seconds { _ = try denoiser.denoise(image, sigma: 25) }
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
