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
        abstract: "Denoise one image with the SKIPAT restoration transformer.",
        discussion: """
            Reads PNG (8/16-bit, gray, gray+alpha, RGB, RGBA, palette) or JPEG/TIFF/BMP, writes PNG in the \
            input's bit depth and channel layout; alpha passes through untouched. Blind by default: the \
            noise level is estimated and printed; --sigma sets it.
            """,
        version: ToolVersion.text)

    /// The model without --model.
    static let defaultPreset = "quality"

    @Argument(help: "Input image.")
    var input: String

    @Argument(help: "Output PNG.")
    var output: String

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
        try FileChecks.input(input)
        guard URL(fileURLWithPath: output).pathExtension.lowercased() == "png" else {
            throw ToolError(output, "output must be a .png file")
        }
        try FileChecks.output(output, input: input, force: output_.force)
        let denoiser = try options.makeDenoiser(defaultPreset: Self.defaultPreset)
        let start = Date()
        let stored = try ImageFile.read(path: input, maxPixels: maxImagePixels)
        let planes = stored.colorPlanes()
        let result: StoredImage
        if options.sigma == 0 || strength == 0 {  // nothing to remove: the input's samples, bit-exact
            result = stored
        } else {
            let (sigma, measured) = denoiser.sigma(for: planes, given: options.sigma)
            if let measured { options.reportBlindLevel(measured, defaultPreset: Self.defaultPreset) }
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
