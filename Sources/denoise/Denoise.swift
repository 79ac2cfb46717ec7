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
            """)

    /// The model without --model.
    static let defaultPreset = "quality"

    @Argument(help: "Input image.")
    var input: String

    @Argument(help: "Output PNG.")
    var output: String

    @OptionGroup var options: ModelOptions

    @Flag(name: .long, help: "Overwrite the output if it exists.")
    var force = false

    func run() throws {
        InterruptCleanup.install()
        try options.check()
        try FileChecks.input(input)
        guard URL(fileURLWithPath: output).pathExtension.lowercased() == "png" else {
            throw ToolError(output, "output must be a .png file")
        }
        try FileChecks.output(output, input: input, force: force)
        let denoiser = try options.makeDenoiser(defaultPreset: Self.defaultPreset)
        let start = Date()
        let stored = try ImageFile.read(path: input, maxPixels: maxImagePixels)
        let planes = stored.colorPlanes()
        let (sigma, measured) = denoiser.sigma(for: planes, given: options.sigma)
        if let measured { options.reportBlindLevel(measured, defaultPreset: Self.defaultPreset) }
        let result = try denoiser.denoise(planes, sigma: sigma)
        try AtomicOutput.write(to: output) { try ImageFile.write(stored.replacingColor(with: result), to: $0) }
        printStatus(String(format: "wrote %@ (%dx%d, %@) in %.2f s", output, stored.width, stored.height,
                           stored.layout.description, Date().timeIntervalSince(start)))
    }
}
