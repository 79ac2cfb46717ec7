import ArgumentParser
import Batching
import Codec
import DenoiseCLI
import DenoiseKit
import Foundation
import Imaging

@main
struct Denoise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise",
        abstract: "Denoise images with the SKIPAT restoration transformer: one file, or a batch into a folder.",
        discussion: """
            denoise IN OUT denoises one image; denoise INPUT... --output-dir DIR denoises every file and \
            every image inside every folder given into DIR, keeping names (--format sets the extension); \
            existing outputs are skipped unless --force, a bad file is reported and the rest go on. Reads \
            PNG (8/16-bit, gray, gray+alpha, RGB, RGBA, palette), JPEG, TIFF or BMP, turned upright by its \
            EXIF orientation; writes PNG or TIFF in the input's bit depth and channel layout (alpha passes \
            through untouched) or 8-bit JPEG (--quality, 4:4:4), by the output's extension. Blind by default: the noise level is estimated \
            and printed; --sigma sets it. Put -- before file names that begin with a dash.
            """,
        version: ToolVersion.text)

    /// The model without --model.
    static let defaultPreset = "quality"

    @Argument(help: "Input image and output (.png, .jpg or .tif); with --output-dir, input files and folders.")
    var paths: [String] = []

    @Option(name: .customLong("output-dir"), help: "Folder for a batch's outputs (created if missing).")
    var outputFolder: String?

    @Option(name: .long, help: "Format of a batch's outputs: png, jpg or tif (default png; a single output takes its own extension's).")
    var format: String = "png"

    @Option(name: .long, help: "JPEG quality of .jpg outputs, 1-100 (4:4:4, no chroma subsampling).")
    var quality: Int = OutputFormat.defaultJPEGQuality

    @Flag(name: .customLong("strip-metadata"), help: "Write no EXIF or ICC profile (by default they are carried from the input where the output format holds them).")
    var stripMetadata = false

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: ArgumentHelp(
        "How much noise to remove, 0-1: 0 returns the input unchanged, 1 the full result.",
        discussion: "Between, the model is told a noise level of strength x sigma and removes that much itself: finer, less colourful leftover grain and 2-3 dB closer to the clean image than blending the input back in (docs/design.md, Strength)."))
    var strength: Float = 1

    @Option(name: .long, help: ArgumentHelp(
        "With --output-dir: denoise only shard K of N (K/N, 0 <= K < N) of the inputs, in sorted order.",
        discussion: "N runs (array tasks of a scheduler) with K = 0..N-1 write every output of one run exactly once."))
    var shard: String?

    @Option(name: .customLong("max-megapixels"),
            help: "Refuse images larger than this, from their header (memory: PNG to PNG streams rows; other formats hold about 6 MB per megapixel of RGB).")
    var maxMegapixels: Double = Double(maxImagePixels) / 1e6

    @OptionGroup var output_: OutputOptions

    func run() throws {
        InterruptCleanup.install()
        output_.apply()
        try options.check()
        guard maxMegapixels.isFinite, maxMegapixels > 0, maxMegapixels <= 1e6 else {
            throw ToolError("--max-megapixels \(maxMegapixels)", "out of range: give a limit from above 0 to 1000000")
        }
        guard strength.isFinite, (0...1).contains(strength) else {
            throw ToolError("--strength \(strength)", "out of range: give a value from 0 (no change) to 1 (full)")
        }
        guard (1...100).contains(quality) else { throw ToolError("--quality \(quality)", "out of range (1-100)") }
        guard let batchFormat = OutputFormat(fileExtension: format) else {
            throw ToolError("--format \(format)", "must be png, jpg or tif")
        }
        let part = try shard.map { try Shard(parsing: $0) }
        if let outputFolder {
            try runBatch(into: outputFolder, format: batchFormat, shard: part ?? .all)
            return
        }
        if let shard { throw ToolError("--shard \(shard)", "only splits a batch: give --output-dir") }
        guard paths.count == 2 else {
            throw ToolError(paths.isEmpty ? "denoise" : paths.joined(separator: " "),
                            "give an input and an output (denoise IN OUT.png), or inputs and --output-dir DIR")
        }
        let (input, output) = (paths[0], paths[1])
        try FileChecks.input(input)
        try checkOutput(output, input: input)
        try denoiseFile(input, to: output, with: try BlindModels(options: options, defaultPreset: Self.defaultPreset))
    }

    func checkOutput(_ output: String, input: String) throws {
        guard OutputFormat(fileExtension: URL(fileURLWithPath: output).pathExtension) != nil else {
            throw ToolError(output, "output must be a .png, .jpg or .tif file")
        }
        try FileChecks.output(output, input: input, force: output_.force)
    }

    /// Every input into `folder`: one model load, per-file errors reported as they come, a summary line,
    /// and a non-zero exit when any file failed.
    func runBatch(into folder: String, format: OutputFormat, shard: Shard) throws {
        guard !paths.isEmpty else { throw ToolError("--output-dir \(folder)", "give the inputs (files or folders) to denoise") }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ToolError(folder, "cannot create the output folder")
        }
        let batch = BatchInputs(paths, outputFolder: folder, fileExtension: format.fileExtension, shard: shard)
        guard batch.totalCount > 0 || !batch.problems.isEmpty else { throw ToolError(paths.joined(separator: " "), "no images found") }
        let models = try BlindModels(options: options, defaultPreset: Self.defaultPreset)
        var (written, skipped, failed) = (0, 0, batch.problems.count)
        for problem in batch.problems { printError("\(problem.path): \(problem.problem)") }
        for (index, item) in batch.items.enumerated() {
            if FileChecks.sameFile(item.input, item.output) {  // a batch into its own folder: never the input
                skipped += 1
                printStatus("[\(index + 1)/\(batch.items.count)] \(item.input) is its own output, skipped")
                continue
            }
            if !output_.force, FileManager.default.fileExists(atPath: item.output) {
                skipped += 1
                printStatus("[\(index + 1)/\(batch.items.count)] \(item.output) exists, skipped (--force replaces it)")
                continue
            }
            do {
                try FileChecks.input(item.input)
                try checkOutput(item.output, input: item.input)
                printStatus("[\(index + 1)/\(batch.items.count)] \(item.input)")
                try denoiseFile(item.input, to: item.output, with: models)
                written += 1
            } catch {
                failed += 1
                printError("\(error)")
            }
        }
        let summary = "\(written) written, \(skipped) skipped, \(failed) failed"
        guard failed == 0 else { throw ToolError("denoise", summary) }
        printStatus(summary)
    }

    /// One image: read, measure or take the noise level, denoise at --strength, write atomically.
    /// PNG to PNG streams rows (StreamedPNG); everything else is decoded whole and denoised in place.
    func denoiseFile(_ input: String, to output: String, with models: BlindModels) throws {
        let start = Date()
        let maxPixels = Int(maxMegapixels * 1e6)
        let removesNoise = !(options.sigma == 0 || strength == 0)  // else the input's samples, bit-exact
        let size: (width: Int, height: Int, layout: PixelLayout)
        if removesNoise, StreamedPNG.applies(input: input, output: output, maxPixels: maxPixels) {
            var sigma = options.sigma ?? 0, measured: BlindNoiseLevel?
            if options.sigma == nil {
                measured = try StreamedPNG.blindLevel(path: input, maxPixels: maxPixels, estimator: models.primary.estimator)
                sigma = measured!.modelSigma
                options.reportBlindLevel(measured!, defaultPreset: Self.defaultPreset)
            }
            let denoiser = try models.denoiser(for: measured)
            let metadata = stripMetadata ? ImageMetadata.none : ImageMetadata.read(path: input)
            let progress = ProgressReporter(total: nil, unit: "tiles", plainLines: false)
            var result: (width: Int, height: Int, layout: PixelLayout)?
            try AtomicOutput.write(to: output) { temporary in
                result = try StreamedPNG.denoise(input: input, output: temporary, maxPixels: maxPixels, denoiser: denoiser,
                                                 sigma: sigma * strength, whiteNoise: measured?.isWhite ?? true,
                                                 metadata: metadata) { progress.update(done: $0, of: $1) }
            }
            progress.finish()
            size = result!
        } else {
            var photo = try Photo.read(path: input, maxPixels: maxPixels)
            size = (photo.image.width, photo.image.height, photo.image.layout)
            if removesNoise {
                // Measured on the samples and denoised on them in place, a band of tile rows at a time: no
                // float copy of the whole image (Denoiser.denoise(_: inout StoredImage)).
                let (sigma, measured) = models.primary.sigma(for: photo.image, given: options.sigma)
                if let measured { options.reportBlindLevel(measured, defaultPreset: Self.defaultPreset) }
                let denoiser = try models.denoiser(for: measured)
                let progress = ProgressReporter(total: nil, unit: "tiles", plainLines: false)
                // --strength scales the level the model is told (see the option's help), not a blend.
                try denoiser.denoise(&photo.image, sigma: sigma * strength, whiteNoise: measured?.isWhite ?? true) { done, total in
                    progress.update(done: done, of: total)
                }
                progress.finish()
            }
            if stripMetadata { photo.metadata = .none }
            let format = OutputFormat(fileExtension: URL(fileURLWithPath: output).pathExtension) ?? .png
            try AtomicOutput.write(to: output) { try photo.write(to: $0, format: format, jpegQuality: quality) }
        }
        printStatus(String(format: "wrote %@ (%dx%d, %@) in %.2f s", output, size.width, size.height,
                           size.layout.description, Date().timeIntervalSince(start)))
    }
}
