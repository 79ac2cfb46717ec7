import ArgumentParser
import Codec
import DenoiseCLI
import DenoiseKit
import Foundation

@main
struct DenoiseVideo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise-video",
        abstract: "Denoise every frame of a video; same size, frame rate, timestamps, bit depth and colour tags; audio, subtitles and data copied.",
        discussion: """
            Default output: <name>.denoised.<ext> beside the input. Uses the temporal preset `video` (each frame \
            restored from it and its two neighbours on each side, motion-compensated, never across a scene cut) unless --model says \
            otherwise: video-fast for speed, or any image preset frame by frame.
            """,
        version: ToolVersion.text)

    /// The model without --model.
    static let defaultPreset = "video"

    @Argument(help: "Input video (anything FFmpeg reads).")
    var input: String

    @Option(name: [.short, .customLong("output")], help: "Output video (container from its extension).")
    var output: String?

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: ArgumentHelp(
        "Video codec: auto, h264 (libx264), h265 (libx265) or ffv1 (lossless; use .mkv).",
        discussion: "auto: H.265 Main 10 for inputs deeper than 8 bits (HDR, log footage), else H.264."))
    var codec: String = VideoEncodeOptions.Codec.automatic.rawValue

    @Option(name: .long, help: "Quality, constant rate factor 0-51, lower is better (default 18 for H.264, 20 for H.265).")
    var crf: Int?

    @Option(name: .customLong("encoder-preset"),
            help: "x264/x265 speed preset: ultrafast ... medium ... veryslow (slower: smaller files).")
    var encoderPreset: String = "medium"

    @OptionGroup var output_: OutputOptions

    @Flag(name: .customLong("keep-going"),
          help: "Write the output even when damaged packets or a truncated input lose frames (reported, exit 0).")
    var keepGoing = false

    func run() throws {
        InterruptCleanup.install()
        output_.apply()
        try options.check()
        guard let videoCodec = VideoEncodeOptions.Codec(rawValue: codec) else {
            throw ToolError("--codec \(codec)", "must be auto, h264, h265 or ffv1")
        }
        if let crf, !(0...51).contains(crf) { throw ToolError("--crf \(crf)", "out of range (0-51)") }
        guard Self.encoderPresets.contains(encoderPreset) else {
            throw ToolError("--encoder-preset \(encoderPreset)", "must be one of " + Self.encoderPresets.joined(separator: ", "))
        }
        try FileChecks.input(input)
        let destination = output ?? Self.defaultOutput(for: input)
        try FileChecks.output(destination, input: input, force: output_.force)
        let models = try BlindModels(options: options, defaultPreset: Self.defaultPreset)
        var denoiser = models.primary
        let encode = VideoEncodeOptions(codec: videoCodec, crf: crf, preset: encoderPreset)
        var encoding = ""
        var loss: FrameLoss?
        try AtomicOutput.write(to: destination) { temporary in
            let transcoder = try VideoTranscoder(inputPath: input, outputPath: temporary, options: encode)
            let progress = ProgressReporter(total: transcoder.info.frameCountEstimate)
            encoding = "\(transcoder.info.encoder), \(transcoder.info.outputBitDepth)-bit"
            var sigma = options.sigma
            var whiteNoise = true
            var stream: FrameStream<Int64>?
            func write(_ outputs: [FrameStream<Int64>.Output]) throws {
                for output in outputs {
                    try transcoder.write(output.frame, timestamp: output.payload)
                    progress.frameDone()
                }
            }
            while let frame = try transcoder.nextFrame() {
                if stream == nil {
                    if sigma == nil {  // blind: the noise of a clip is taken as stationary, estimated once
                        let (level, measured) = denoiser.sigma(for: frame, given: nil)
                        sigma = level
                        whiteNoise = measured?.isWhite ?? true
                        if let measured { options.reportBlindLevel(measured, defaultPreset: Self.defaultPreset) }
                        denoiser = try models.denoiser(for: measured)
                    }
                    // A ring of the model's window of frames: frame i is written once i + 2 is read.
                    stream = FrameStream(frames: denoiser.frames) { [denoiser, sigma, whiteNoise] window in
                        try denoiser.denoise(window: window, sigma: sigma!, whiteNoise: whiteNoise)
                    }
                }
                try write(try stream!.push(frame, payload: transcoder.lastFrameTimestamp))
                // Without --keep-going a damaged input stops the run at once: no output, non-zero exit.
                if !keepGoing, !transcoder.loss.isEmpty { throw Self.lossError(input, transcoder.loss) }
            }
            if let stream { try write(try stream.finish()) }
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
        printStatus("wrote \(destination) (\(encoding))")
    }

    /// x264's and x265's shared preset names, fastest first.
    static let encoderPresets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                                 "slower", "veryslow", "placebo"]

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
