import ArgumentParser
import Batching
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

            Long videos on a cluster: N array tasks run `denoise-video IN --segment K/N -o part-K.mp4` \
            (K = 0 ... N-1), then `denoise-video --join part-*.mp4 -o OUT.mp4` copies the parts into one file \
            with the frames, audio, subtitles and timestamps one run would give (docs/cluster.md).
            """,
        version: ToolVersion.text)

    /// The model without --model.
    static let defaultPreset = "video"

    @Argument(help: "Input video (anything FFmpeg reads); with --join, the segment files.")
    var inputs: [String]

    @Option(name: [.short, .customLong("output")], help: "Output video (container from its extension).")
    var output: String?

    @Option(name: .long, help: ArgumentHelp(
        "Denoise only the K-th of N time segments (0 <= K < N), for array jobs; join them with --join.",
        discussion: "Segments are equal runs of frames; each decodes the context its model needs around them."))
    var segment: String?

    @Flag(name: .long, help: "Join the segment files given as inputs (any order) into -o, by stream copy.")
    var join = false

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
        if join { return try joinSegments() }
        guard inputs.count == 1 else {
            throw ToolError(inputs.isEmpty ? "denoise-video" : inputs.joined(separator: " "),
                            inputs.isEmpty ? "no input video" : "one input video at a time (--join takes several segments)")
        }
        let input = inputs[0]
        let part = try segment.map { try Shard(parsing: $0, option: "--segment") }
        try options.check()
        guard let videoCodec = VideoEncodeOptions.Codec(rawValue: codec) else {
            throw ToolError("--codec \(codec)", "must be auto, h264, h265 or ffv1")
        }
        if let crf, !(0...51).contains(crf) { throw ToolError("--crf \(crf)", "out of range (0-51)") }
        guard Self.encoderPresets.contains(encoderPreset) else {
            throw ToolError("--encoder-preset \(encoderPreset)", "must be one of " + Self.encoderPresets.joined(separator: ", "))
        }
        try FileChecks.input(input)
        let destination = output ?? Self.defaultOutput(for: input, segment: part)
        try FileChecks.output(destination, input: input, force: output_.force)
        let models = try BlindModels(options: options, defaultPreset: Self.defaultPreset)
        var denoiser = models.primary
        var sigma = options.sigma
        var whiteNoise = true
        // Blind: the noise of a clip is taken as stationary, estimated once, on its first frame.
        func chooseModel(firstFrame frame: PlanarImage) throws {
            let (level, measured) = denoiser.sigma(for: frame, given: nil)
            sigma = level
            whiteNoise = measured?.isWhite ?? true
            if let measured { options.reportBlindLevel(measured, defaultPreset: Self.defaultPreset) }
            denoiser = try models.denoiser(for: measured)
        }
        // A segment decides as one run over the whole clip would: level and model from the clip's first frame.
        var plan: VideoSegment?
        if let part {
            guard let video = try probeMedia(path: input).video else { throw ToolError(input, "no video stream") }
            if video.timestamps.isEmpty { throw ToolError(input, "its video packets carry no timestamps to cut segments by") }
            if sigma == nil, let first = try VideoTranscoder.firstFrame(of: input) { try chooseModel(firstFrame: first) }
            plan = VideoSegment(part, timestamps: video.timestamps, keyFrames: video.keyFrameTimestamps,
                                radius: denoiser.frames / 2)
        }
        let encode = VideoEncodeOptions(codec: videoCodec, crf: crf, preset: encoderPreset)
        var encoding = ""
        var loss: FrameLoss?
        try AtomicOutput.write(to: destination) { temporary in
            let transcoder = try VideoTranscoder(
                inputPath: input, outputPath: temporary, options: encode,
                segment: plan.map { .init(decodeFrom: $0.decodeFrom, copyFrom: $0.copyFrom, copyUntil: $0.copyUntil,
                                          tag: VideoSegmentTag(index: $0.shard.index, count: $0.shard.count, run: try runName(input))) })
            let progress = ProgressReporter(total: plan?.frames.count ?? transcoder.info.frameCountEstimate)
            encoding = "\(transcoder.info.encoder), \(transcoder.info.outputBitDepth)-bit"
            var stream: FrameStream<Int64>?
            var written = 0
            func write(_ outputs: [FrameStream<Int64>.Output]) throws {
                for output in outputs where plan?.writes(timestamp: output.payload) ?? true {
                    try transcoder.write(output.frame, timestamp: output.payload)
                    written += 1
                    progress.frameDone()
                }
            }
            // A segment feeds the model the `radius` decoded frames on each side of its time window.
            let radius = denoiser.frames / 2
            var contextBefore: [(frame: PlanarImage, timestamp: Int64)] = []  // the last frames before the window
            var framesAfter = 0
            while plan?.frames.isEmpty != true, let frame = try transcoder.nextFrame() {
                let timestamp = transcoder.lastFrameTimestamp
                if let from = plan?.copyFrom, timestamp < from {
                    contextBefore = Array((contextBefore + [(frame, timestamp)]).suffix(radius))
                    continue
                }
                if let until = plan?.copyUntil, timestamp >= until {
                    framesAfter += 1
                    if framesAfter > radius { break }  // the segment's context is read
                }
                if stream == nil {
                    if sigma == nil { try chooseModel(firstFrame: frame) }
                    // A ring of the model's window of frames: frame i is written once i + 2 is read.
                    stream = FrameStream(frames: denoiser.frames) { [denoiser, sigma, whiteNoise] window in
                        try denoiser.denoise(window: window, sigma: sigma!, whiteNoise: whiteNoise)
                    }
                }
                for (earlier, time) in contextBefore { try write(try stream!.push(earlier, payload: time)) }
                contextBefore = []
                try write(try stream!.push(frame, payload: timestamp))
                // Without --keep-going a damaged input stops the run at once: no output, non-zero exit.
                if !keepGoing, !transcoder.loss.isEmpty { throw Self.lossError(input, transcoder.loss) }
            }
            if let stream { try write(try stream.finish()) }
            let finalLoss = transcoder.loss
            if written == 0, plan?.frames.isEmpty != true {
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

    /// clip.mp4 -> clip.denoised.mp4 in the same folder; segment 2/8 -> clip.denoised.2-of-8.mp4.
    static func defaultOutput(for input: String, segment: Shard? = nil) -> String {
        let url = URL(fileURLWithPath: input)
        let ext = url.pathExtension.isEmpty ? "mp4" : url.pathExtension
        let name = url.deletingPathExtension().appendingPathExtension("denoised")
        let part = segment.map { name.appendingPathExtension("\($0.index)-of-\($0.count)") } ?? name
        return part.appendingPathExtension(ext).path
    }

    /// Names this run for its parts' tags: the input (name, size, time of change) and every option but
    /// --segment and -o, so that parts of one array job agree and parts of other runs do not.
    func runName(_ input: String) throws -> String {
        let attributes = try FileManager.default.attributesOfItem(atPath: input)
        var options: [String] = []
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = arguments.next() {
            if ["--segment", "-o", "--output"].contains(argument) { _ = arguments.next(); continue }
            if argument.hasPrefix("--segment=") || argument.hasPrefix("--output=") || argument == input { continue }
            options.append(argument)
        }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return VideoSegmentTag.runName([URL(fileURLWithPath: input).lastPathComponent, "\(attributes[.size] ?? 0)",
                                        "\(modified)"] + options)
    }

    /// --join: the segments of one --segment run, copied into -o in time order.
    func joinSegments() throws {
        guard let output else { throw ToolError("--join", "needs -o OUTPUT, the joined video") }
        guard !inputs.isEmpty else { throw ToolError("--join", "no segment files given") }
        if let segment { throw ToolError("--segment \(segment)", "cannot be used with --join") }
        for input in inputs {
            try FileChecks.input(input)
            try FileChecks.output(output, input: input, force: output_.force)
        }
        try AtomicOutput.write(to: output) { temporary in try joinVideoSegments(inputs, into: temporary) }
        printStatus("wrote \(output) (\(inputs.count) segment\(inputs.count == 1 ? "" : "s") joined)")
    }
}
