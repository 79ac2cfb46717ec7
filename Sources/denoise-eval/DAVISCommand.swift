import ArgumentParser
import DenoiseCLI
import Evaluation
import Foundation

struct DAVISCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "davis",
        abstract: "Video: seeded AWGN on every frame of DAVIS sequences (<seq>/00000.jpg ... or JPEGImages/480p/<seq>/...).")

    @Option(name: .long, help: "DAVIS folder: sequences directly inside, or under JPEGImages/480p.")
    var root: String

    @Option(name: .long, help: "Noise levels on the 0-255 scale, comma-separated.")
    var sigma = "10,20,30,40,50"

    @Option(name: .long, help: "Use only the first N frames of each sequence.")
    var frames: Int?

    @OptionGroup var noise: NoiseOptions
    @OptionGroup var options: EvalOptions

    func run() throws {
        InterruptCleanup.install()
        let sigmas = try SigmaList.parse(sigma), shard = try options.check()
        if let frames, frames < 1 { throw ToolError("--frames \(frames)", "must be at least 1") }
        _ = try DatasetFolders.sequences(in: root)
        let evaluator = try options.makeEvaluator(shard: shard)
        (evaluator.seed, evaluator.blind, evaluator.clipNoise) = (noise.seed, noise.blind, noise.clipped)
        evaluator.clippingCorrection = !noise.noClippingCorrection
        let report = try evaluator.davis(root: root, sigmas: sigmas, frames: frames)
        try ResultOutputs(json: options.json, markdown: options.markdown).write(report)
    }
}
