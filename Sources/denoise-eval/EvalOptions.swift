import ArgumentParser
import Batching
import Codec
import DenoiseCLI
import DenoiseKit
import Engine
import Evaluation
import Foundation

/// Options every dataset subcommand shares: model and tiling, outputs, sharding.
struct EvalOptions: ParsableArguments {
    @Option(name: .long, help: ModelOptions.modelHelp)
    var model = "quality"

    @OptionGroup var pipeline: PipelineOptions

    @Option(name: .long, help: "Write the result as JSON here.")
    var json: String?

    @Option(name: .long, help: "Write the result as a Markdown table here.")
    var markdown: String?

    @Option(name: .customLong("save-dir"), help: "Save every denoised output here as a 16-bit PNG.")
    var saveDir: String?

    @Option(name: .long, help: "Take every N-th item from the K-th (0-based), items in sorted order: K/N.")
    var shard: String?

    @Option(name: .long, help: "C kernel build: portable, avx2 or avx512 (default: the best this CPU runs): to score a model as a CPU without AVX-512 runs it.")
    var kernels: String?

    /// Cheap checks before any model loading or dataset work.
    func check() throws -> Shard {
        if let kernels {
            guard let build = KernelBuild.supported(named: kernels) else {
                throw ToolError("--kernels \(kernels)", "this CPU runs \(KernelBuild.supportedList)")
            }
            KernelBuild.select(build)  // before the precision check: int8 and bfloat16 depend on the build
        }
        try pipeline.check()
        for path in [json, markdown].compactMap({ $0 }) { try checkOutputFolder(path) }
        return try shard.map { try Shard(parsing: $0) } ?? .all
    }

    /// Loads the model and sets up the evaluator with progress on stderr and atomic image writes.
    func makeEvaluator(shard: Shard) throws -> Evaluator {
        let model = try pipeline.loadModel(self.model)
        let denoiser = try pipeline.makeDenoiser(model: model)
        let evaluator = Evaluator(denoiser: denoiser, model: try ModelIdentity.of(self.model))
        evaluator.shard = shard
        evaluator.saveDirectory = saveDir
        evaluator.maxPixels = maxImagePixels
        evaluator.log = { printStatus($0) }
        evaluator.writeImage = { image, path in try AtomicOutput.write(to: path) { try PNGCodec.write(image, to: $0) } }
        printStatus("model \(self.model) (sha256 \(evaluator.model.sha256.prefix(12))...), tiles \(pipeline.tile)/\(pipeline.effectiveOverlap), "
                    + "\(denoiser.processor.threads) threads, \(model.precision), \(KernelBuild.current) kernels" + (pipeline.selfEnsemble ? ", x8 self-ensemble" : "") + (shard == .all ? "" : ", shard \(shard)"))
        return evaluator
    }
}

/// Where results go: --json and --markdown.
struct ResultOutputs {
    var json: String?
    var markdown: String?

    /// Writes `report` to the requested files (each renamed into place when complete), and a summary on stderr.
    func write(_ report: EvaluationReport) throws {
        if let json {
            let data = try report.jsonData()
            try AtomicOutput.write(to: json) { path in
                guard FileManager.default.createFile(atPath: path, contents: data) else { throw ToolError(json, "cannot write the file") }
            }
        }
        if let markdown {
            let data = Data(MarkdownReport.render(report).utf8)
            try AtomicOutput.write(to: markdown) { path in
                guard FileManager.default.createFile(atPath: path, contents: data) else { throw ToolError(markdown, "cannot write the file") }
            }
        }
        for run in report.runs {
            printStatus("\(report.dataset) sigma \(MarkdownReport.sigmaText(run.sigma)): "
                        + String(format: "PSNR %.2f dB, SSIM %.4f, %.3f MP/s, %d items", run.psnr, run.ssim ?? .nan,
                                 run.megapixelsPerSecond, run.items.count)
                        + (run.framesPerSecond.map { String(format: ", %.2f fps", $0) } ?? ""))
        }
    }
}

/// Result files may be replaced, but their folder is created here and must be writable.
func checkOutputFolder(_ path: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        throw ToolError(path, "is a directory, not a file")
    }
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
        throw ToolError(path, "cannot create the output folder \(folder)")
    }
}

/// `--sigma` and `--seed` for the synthetic-noise datasets.
struct NoiseOptions: ParsableArguments {
    @Option(name: .long, help: "Base seed of the noise: each (item, sigma) gets its own seed derived from it.")
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Estimate sigma from each noisy input instead of giving the true sigma.")
    var blind = false

    @Flag(name: .long, help: "Clip the noisy input to 0-255 and round it to 8 bits, as a file holds it.")
    var clipped = false

    @Flag(name: .customLong("no-clipping-correction"), help: "Leave out the correction for the bias of clipped noise (to measure it).")
    var noClippingCorrection = false
}
