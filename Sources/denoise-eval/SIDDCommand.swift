import ArgumentParser
import DenoiseCLI
import Evaluation
import Foundation

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
