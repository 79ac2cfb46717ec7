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
        (evaluator.seed, evaluator.blind) = (noise.seed, noise.blind)
        let report = try evaluator.gaussian(dataset: dataset, sigmas: sigmas)
        try ResultOutputs(json: options.json, markdown: options.markdown).write(report)
    }
}

struct NoiseLevelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noise-level",
        abstract: "Accuracy of the blind noise estimator on the same noisy images as 'gaussian' (no model run).")

    @Option(name: .long, help: "Folder of clean images.")
    var dataset: String

    @Option(name: .long, help: "Noise levels on the 0-255 scale, comma-separated.")
    var sigma = "5,15,25,50"

    @Option(name: .long, help: "Base seed (as for 'gaussian').")
    var seed: UInt64 = 0

    func run() throws {
        let results = try noiseLevelErrors(dataset: dataset, sigmas: try SigmaList.parse(sigma), seed: seed, maxPixels: maxImagePixels)
        print("| sigma | mean estimate | mean abs error | max abs error | images |\n|---:|---:|---:|---:|---:|")
        for r in results {
            print(String(format: "| %.0f | %.2f | %.2f | %.2f | %d |", r.sigma, r.meanEstimate, r.meanAbsoluteError, r.maxAbsoluteError, r.images))
        }
    }
}

struct SIDDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sidd",
        abstract: "Real noise, blind: SIDD .mat block files (--noisy/--gt) or a folder of input/ + groundtruth/ pairs (--dir).")

    @Option(name: .long, help: "Noisy blocks .mat (e.g. ValidationNoisyBlocksSrgb.mat): uint8 [rows][cols][H][W][3] or [H][W][3].")
    var noisy: String?

    @Option(name: .long, help: "Clean blocks .mat of the same shape (e.g. ValidationGtBlocksSrgb.mat).")
    var gt: String?

    @Option(name: .long, help: "Folder with input/ (noisy) and groundtruth/ (clean) images paired by file name.")
    var dir: String?

    @OptionGroup var options: EvalOptions

    func run() throws {
        InterruptCleanup.install()
        switch (noisy, gt, dir) {
        case (.some, .some, nil), (nil, nil, .some): break
        default: throw ToolError("sidd", "give either --noisy A.mat --gt B.mat, or --dir DIR")
        }
        let shard = try options.check()
        if let dir {
            _ = try DatasetFolders.pairs(in: dir)  // fail on a bad folder before loading the model
            let report = try options.makeEvaluator(shard: shard).sidd(directory: dir)
            try ResultOutputs(json: options.json, markdown: options.markdown).write(report)
            return
        }
        let (noisy, gt) = (self.noisy!, self.gt!)
        for path in [noisy, gt] { try FileChecks.input(path) }
        let noisyBlocks = try MatImageBlocks(path: noisy), cleanBlocks = try MatImageBlocks(path: gt)
        try MatImageBlocks.checkPair(noisy: noisyBlocks, clean: cleanBlocks, noisyMat: noisy, cleanMat: gt)
        let report = try options.makeEvaluator(shard: shard).sidd(noisy: noisyBlocks, clean: cleanBlocks, noisyMat: noisy, cleanMat: gt)
        try ResultOutputs(json: options.json, markdown: options.markdown).write(report)
    }
}

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
        (evaluator.seed, evaluator.blind) = (noise.seed, noise.blind)
        let report = try evaluator.davis(root: root, sigmas: sigmas, frames: frames)
        try ResultOutputs(json: options.json, markdown: options.markdown).write(report)
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the JSON results of --shard runs into one result (means recomputed from the items).")

    @Argument(help: "Shard result files (JSON).")
    var inputs: [String]

    @Option(name: .long, help: "Write the merged result as JSON here.")
    var json: String

    @Option(name: .long, help: "Write the merged result as a Markdown table here.")
    var markdown: String?

    func run() throws {
        InterruptCleanup.install()
        guard !inputs.isEmpty else { throw ToolError("merge", "give the shard result files to join") }
        for path in [json] + [markdown].compactMap({ $0 }) { try checkOutputFolder(path) }
        let reports = try inputs.map { path in
            try FileChecks.input(path)
            return (path, try EvaluationReport.read(path: path))
        }
        try ResultOutputs(json: json, markdown: markdown).write(try ReportMerge.merge(reports))
    }
}
