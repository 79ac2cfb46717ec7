import ArgumentParser
import Codec
import DenoiseCLI
import DenoiseKit
import Foundation

@main
struct DenoiseVideo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise-video",
        abstract: "Denoise every frame of a video; same size, frame rate and timestamps; audio copied.",
        discussion: "Default output: <name>.denoised.<ext> beside the input. Uses the fast preset unless --model says otherwise.",
        version: ToolVersion.text)

    /// The model without --model.
    static let defaultPreset = "fast"

    @Argument(help: "Input video (anything FFmpeg reads).")
    var input: String

    @Option(name: [.short, .customLong("output")], help: "Output video (container from its extension).")
    var output: String?

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: "Video codec: h264 (libx264) or ffv1 (lossless; use .mkv).")
    var codec: String = "h264"

    @Option(name: .long, help: "H.264 quality (constant rate factor, 0-51, lower is better).")
    var crf: Int = 18

    @OptionGroup var output_: OutputOptions

    @Flag(name: .customLong("keep-going"),
          help: "Write the output even when damaged packets or a truncated input lose frames (reported, exit 0).")
    var keepGoing = false

    func run() throws {
        InterruptCleanup.install()
        output_.apply()
        try options.check()
        guard ["h264", "ffv1"].contains(codec) else { throw ToolError("--codec \(codec)", "must be h264 or ffv1") }
        guard (0...51).contains(crf) else { throw ToolError("--crf \(crf)", "out of range (0-51)") }
        try FileChecks.input(input)
        let destination = output ?? Self.defaultOutput(for: input)
        try FileChecks.output(destination, input: input, force: output_.force)
        let models = try BlindModels(options: options, defaultPreset: Self.defaultPreset)
        var denoiser = models.primary
        var encode = VideoEncodeOptions()
        encode.codec = codec == "ffv1" ? .ffv1 : .h264
        encode.crf = crf
        var loss: FrameLoss?
        try AtomicOutput.write(to: destination) { temporary in
            let transcoder = try VideoTranscoder(inputPath: input, outputPath: temporary, options: encode)
            let progress = ProgressReporter(total: transcoder.info.frameCountEstimate)
            var sigma = options.sigma
            var whiteNoise = true
            while let frame = try transcoder.nextFrame() {
                if sigma == nil {  // blind: the noise of a clip is taken as stationary, estimated once
                    let (level, measured) = denoiser.sigma(for: frame, given: nil)
                    sigma = level
                    whiteNoise = measured?.isWhite ?? true
                    if let measured { options.reportBlindLevel(measured, defaultPreset: Self.defaultPreset) }
                    denoiser = try models.denoiser(for: measured)
                }
                try transcoder.write(try denoiser.denoise(frame, sigma: sigma!, whiteNoise: whiteNoise))
                progress.frameDone()
                // Without --keep-going a damaged input stops the run at once: no output, non-zero exit.
                if !keepGoing, !transcoder.loss.isEmpty { throw Self.lossError(input, transcoder.loss) }
            }
            let finalLoss = transcoder.loss
            if finalLoss.framesDecoded == 0 {
                throw ToolError(input, "no decodable video frames" + (finalLoss.isEmpty ? "" : " (\(finalLoss))"))
            }
            if !keepGoing, !finalLoss.isEmpty { throw Self.lossError(input, finalLoss) }
            try transcoder.finish()
            progress.finish()
            loss = finalLoss
            for warning in transcoder.warnings { printStatus("\(input): warning: \(warning)") }
        }
        if let loss, !loss.isEmpty { printStatus("\(input): lost frames: \(loss) (kept going)") }
        printStatus("wrote \(destination)")
    }

    static func lossError(_ input: String, _ loss: FrameLoss) -> ToolError {
        ToolError(input, "damaged video: \(loss); no output written (--keep-going writes the frames that decode)")
    }

    /// clip.mp4 -> clip.denoised.mp4 in the same folder.
    static func defaultOutput(for input: String) -> String {
        let url = URL(fileURLWithPath: input)
        let ext = url.pathExtension.isEmpty ? "mp4" : url.pathExtension
        return url.deletingPathExtension().appendingPathExtension("denoised").appendingPathExtension(ext).path
    }
}
