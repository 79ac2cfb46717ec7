import ArgumentParser
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
            denoise IN OUT.png denoises one image; denoise INPUT... --output-dir DIR denoises every file and \
            every image inside every folder given into DIR, keeping names (as .png); existing outputs are \
            skipped unless --force, a bad file is reported and the rest go on. Reads PNG (8/16-bit, gray, \
            gray+alpha, RGB, RGBA, palette) or JPEG/TIFF/BMP, writes PNG in the input's bit depth and \
            channel layout; alpha passes through untouched. Blind by default: the noise level is estimated \
            and printed; --sigma sets it. Put -- before file names that begin with a dash.
            """,
        version: ToolVersion.text)

    /// The model without --model.
    static let defaultPreset = "quality"

    @Argument(help: "Input image and output PNG; with --output-dir, input files and folders.")
    var paths: [String] = []

    @Option(name: .customLong("output-dir"), help: "Folder for a batch's outputs (created if missing).")
    var outputFolder: String?

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: "How much of the denoising to apply, 0-1: 0 returns the input unchanged, 1 the full result; between, a per-pixel blend of the two.")
    var strength: Float = 1

    @OptionGroup var output_: OutputOptions

    func run() throws {
        InterruptCleanup.install()
        output_.apply()
        try options.check()
        guard strength.isFinite, (0...1).contains(strength) else {
            throw ToolError("--strength \(strength)", "out of range: give a value from 0 (no change) to 1 (full)")
        }
        if let outputFolder {
            try runBatch(into: outputFolder)
            return
        }
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
        guard URL(fileURLWithPath: output).pathExtension.lowercased() == "png" else {
            throw ToolError(output, "output must be a .png file")
        }
        try FileChecks.output(output, input: input, force: output_.force)
    }

    /// Every input into `folder`: one model load, per-file errors reported as they come, a summary line,
    /// and a non-zero exit when any file failed.
    func runBatch(into folder: String) throws {
        guard !paths.isEmpty else { throw ToolError("--output-dir \(folder)", "give the inputs (files or folders) to denoise") }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ToolError(folder, "cannot create the output folder")
        }
        let batch = BatchInputs(paths, outputFolder: folder)
        guard !batch.items.isEmpty || !batch.problems.isEmpty else { throw ToolError(paths.joined(separator: " "), "no images found") }
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

    /// One image: read, measure or take the noise level, denoise, blend by --strength, write atomically.
    func denoiseFile(_ input: String, to output: String, with models: BlindModels) throws {
        let start = Date()
        let stored = try ImageFile.read(path: input, maxPixels: maxImagePixels)
        let planes = stored.colorPlanes()
        let result: StoredImage
        if options.sigma == 0 || strength == 0 {  // nothing to remove: the input's samples, bit-exact
            result = stored
        } else {
            let (sigma, measured) = models.primary.sigma(for: planes, given: options.sigma)
            if let measured { options.reportBlindLevel(measured, defaultPreset: Self.defaultPreset) }
            let denoiser = try models.denoiser(for: measured)
            let progress = ProgressReporter(total: nil, unit: "tiles", plainLines: false)
            var denoised = try denoiser.denoise(planes, sigma: sigma) { done, total in progress.update(done: done, of: total) }
            progress.finish()
            if strength < 1 { denoised = planes.interpolated(to: denoised, by: strength) }
            result = stored.replacingColor(with: denoised)
        }
        try AtomicOutput.write(to: output) { try ImageFile.write(result, to: $0) }
        printStatus(String(format: "wrote %@ (%dx%d, %@) in %.2f s", output, stored.width, stored.height,
                           stored.layout.description, Date().timeIntervalSince(start)))
    }
}
