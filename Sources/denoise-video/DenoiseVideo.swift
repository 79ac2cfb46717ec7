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
        discussion: "Default output: <name>.denoised.<ext> beside the input. Uses the fast preset unless --model says otherwise.")

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

    @Flag(name: .long, help: "Overwrite the output if it exists.")
    var force = false

    func run() throws {
        InterruptCleanup.install()
        try options.check()
        guard ["h264", "ffv1"].contains(codec) else { throw ToolError("--codec \(codec)", "must be h264 or ffv1") }
        guard (0...51).contains(crf) else { throw ToolError("--crf \(crf)", "out of range (0-51)") }
        try FileChecks.input(input)
        let destination = output ?? Self.defaultOutput(for: input)
        try FileChecks.output(destination, input: input, force: force)
        let denoiser = try options.makeDenoiser(defaultPreset: Self.defaultPreset)
        var encode = VideoEncodeOptions()
        encode.codec = codec == "ffv1" ? .ffv1 : .h264
        encode.crf = crf
        var skipped = 0
        try AtomicOutput.write(to: destination) { temporary in
            let transcoder = try VideoTranscoder(inputPath: input, outputPath: temporary, options: encode)
            let progress = ProgressReporter(total: transcoder.info.frameCountEstimate)
            var sigma = options.sigma
            while let frame = try transcoder.nextFrame() {
                if sigma == nil {  // blind: the noise of a clip is taken as stationary, estimated once
                    let level = denoiser.estimator.blindLevel(frame)
                    sigma = level.modelSigma
                    printStatus("estimated noise level: \(level)")
                    if let hint = options.cameraNoiseHint(level, defaultPreset: Self.defaultPreset) { printStatus(hint) }
                }
                try transcoder.write(denoiser.denoise(frame, sigma: sigma!))
                progress.frameDone()
            }
            try transcoder.finish()
            progress.finish()
            skipped = transcoder.skippedPackets
            for warning in transcoder.warnings { printStatus("\(input): warning: \(warning)") }
        }
        if skipped > 0 { printStatus("\(input): skipped \(skipped) corrupt packet(s)") }
        printStatus("wrote \(destination)")
    }

    /// clip.mp4 -> clip.denoised.mp4 in the same folder.
    static func defaultOutput(for input: String) -> String {
        let url = URL(fileURLWithPath: input)
        let ext = url.pathExtension.isEmpty ? "mp4" : url.pathExtension
        return url.deletingPathExtension().appendingPathExtension("denoised").appendingPathExtension(ext).path
    }
}
