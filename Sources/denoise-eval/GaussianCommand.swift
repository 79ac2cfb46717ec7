import ArgumentParser
import DenoiseCLI
import Evaluation
import Foundation

struct GaussianCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gaussian",
        abstract: "Clean images + seeded AWGN (not clipped) at each sigma: CBSD68, Kodak24, McMaster, Set12 ...")

    @Option(name: .long, help: "Folder of clean images (png, tif, jpg, bmp), taken in name order.")
    var dataset: String

    @Option(name: .long, help: "Noise levels on the 0-255 scale, comma-separated.")
    var sigma = "15,25,50"

    @OptionGroup var noise: NoiseOptions
    @OptionGroup var options: EvalOptions

    func run() throws {
        InterruptCleanup.install()
        let sigmas = try SigmaList.parse(sigma), shard = try options.check()
        _ = try DatasetFolders.images(in: dataset)  // fail on a bad folder before loading the model
        let evaluator = try options.makeEvaluator(shard: shard)
        (evaluator.seed, evaluator.blind, evaluator.clipNoise) = (noise.seed, noise.blind, noise.clipped)
        evaluator.clippingCorrection = !noise.noClippingCorrection
        let report = try evaluator.gaussian(dataset: dataset, sigmas: sigmas)
        try ResultOutputs(json: options.json, markdown: options.markdown).write(report)
    }
}
