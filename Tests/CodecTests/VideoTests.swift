import Codec
import Foundation
import Imaging
import TestSupport
import Testing

/// Video through the public API only: CI machines have FFmpeg's libraries but no ffmpeg CLI.
@Suite(.serialized) final class VideoTests {
    static let repo = Repository.root
    static let clip = repo.appendingPathComponent("Samples/noisy-clip.mp4").path
    static func fixture(_ name: String) -> String {
        repo.appendingPathComponent("Tests/CodecTests/Fixtures/\(name)").path
    }

    /// A fresh folder per test, removed afterwards.
    let folder: URL
    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("VideoTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: folder) }
    func temp(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// The CLI's loop with an identity "denoiser"; returns the transcoder and, if asked, every frame.
    @discardableResult
    func transcode(_ input: String, to output: String, _ options: VideoEncodeOptions = .init(),
                   keepFrames: Bool = false) throws -> (VideoTranscoder, [PlanarImage]) {
        let transcoder = try VideoTranscoder(inputPath: input, outputPath: output, options: options)
        var frames: [PlanarImage] = []
        while let frame = try transcoder.nextFrame() {
            try transcoder.write(frame)
            if keepFrames { frames.append(frame) }
        }
        try transcoder.finish()
        return (transcoder, frames)
    }

    /// Largest per-sample difference between two frame sequences of equal shape.
    func maxDifference(_ a: [PlanarImage], _ b: [PlanarImage]) -> Float {
        zip(a, b).map { x, y in zip(x.pixels, y.pixels).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
    }

    @Test func sampleClipProbe() throws {
        let probe = try probeMedia(path: Self.clip)
        let video = try #require(probe.video)
        #expect(video.width == 320 && video.height == 240)
        #expect(abs(video.frameRate - 25) < 1e-9)  // exact rational 25/1
        #expect(video.codecName == "h264" && video.pixelFormat == "yuv420p")
        #expect(video.packetTimes.count == 50)
        #expect(video.rotationDegrees == 0)
        #expect(probe.audio.count == 1)
        #expect(probe.audio.first?.codecName == "aac" && probe.audio.first?.channelCount == 1)
    }

    @Test func h264RoundTripKeepsFramesTimestampsAndAudio() throws {
        let output = temp("out.mp4")
        let (transcoder, _) = try transcode(Self.clip, to: output)
        #expect(transcoder.info.width == 320 && transcoder.info.height == 240)
        #expect(abs(transcoder.info.frameRate - 25) < 1e-9)  // exact rational 25/1
        #expect(transcoder.info.frameCountEstimate == 50)
        #expect(transcoder.info.audioStreamCount == 1)
        #expect(transcoder.skippedPackets == 0)
        #expect(transcoder.warnings.isEmpty)

        let before = try probeMedia(path: Self.clip), after = try probeMedia(path: output)
        let (a, b) = (try #require(before.video), try #require(after.video))
        #expect(b.width == a.width && b.height == a.height)
        #expect(abs(b.frameRate - a.frameRate) < 1e-9)  // both exact rationals
        #expect(b.codecName == "h264" && b.pixelFormat == "yuv420p")
        #expect(b.packetTimes.count == a.packetTimes.count)
        let halfFrame = 0.5 / a.frameRate
        for (x, y) in zip(a.packetTimes, b.packetTimes) { #expect(abs(x - y) <= halfFrame) }
        #expect(after.audio.count == 1)
        #expect(after.audio.first?.codecName == before.audio.first?.codecName)
        #expect(after.audio.first?.packetCount == before.audio.first?.packetCount)
        #expect(after.audio.first?.sampleRate == before.audio.first?.sampleRate)
    }

    @Test func oddSizeIsKept() throws {
        // A BMP is a one-frame video to FFmpeg: 41x31 -> FFV1 .mkv -> H.264 .mp4 (4:4:4, as 4:2:0 needs even sizes).
        let lossless = temp("odd.mkv"), h264 = temp("odd.mp4")
        try transcode(Self.fixture("astronaut-41x31.bmp"), to: lossless, .init(codec: .ffv1))
        let (transcoder, frames) = try transcode(lossless, to: h264, keepFrames: true)
        #expect(transcoder.info.width == 41 && transcoder.info.height == 31)
        #expect(frames.count == 1 && frames.first?.width == 41 && frames.first?.height == 31)
        let probe = try #require(try probeMedia(path: h264).video)
        #expect(probe.width == 41 && probe.height == 31)
        #expect(probe.pixelFormat == "yuv444p")
        #expect(probe.packetTimes.count == 1)
    }

    @Test func ffv1RoundTripIsNearLossless() throws {
        let first = temp("a.mkv"), second = temp("b.mkv")
        let (_, original) = try transcode(Self.clip, to: first, .init(codec: .ffv1), keepFrames: true)
        let (_, stored) = try transcode(first, to: second, .init(codec: .ffv1), keepFrames: true)
        #expect(original.count == 50 && stored.count == original.count)
        // FFV1 holds 8-bit RGB exactly: only the float -> 8-bit rounding (half a level) remains.
        let tolerance: Float = 0.5 / 255 + 1e-6
        #expect(maxDifference(original, stored) <= tolerance)

        let a = try #require(try probeMedia(path: Self.clip).video), b = try #require(try probeMedia(path: first).video)
        #expect(b.codecName == "ffv1" && b.pixelFormat == "bgr0")
        #expect(b.packetTimes.count == a.packetTimes.count)
        // Matroska cannot start below zero, so the muxer shifts every stream by the AAC priming
        // (1024 samples = 21 ms): compare times from the first frame.
        let halfFrame = 0.5 / a.frameRate
        for (x, y) in zip(a.packetTimes, b.packetTimes) {
            #expect(abs((x - a.packetTimes[0]) - (y - b.packetTimes[0])) <= halfFrame)
        }
    }

    @Test func eightBitFramesConvertExactly() throws {
        let bmp = Self.fixture("astronaut-41x31.bmp")
        let transcoder = try VideoTranscoder(inputPath: bmp, outputPath: temp("unused.mkv"), options: .init(codec: .ffv1))
        let frame = try #require(try transcoder.nextFrame())
        let expected = try decodeStillImage(path: bmp, maxPixels: 10_000).colorPlanes()
        // An 8-bit RGB source reaches float through 16 bits: v * 257 / 65535 == v / 255 up to float rounding.
        let tolerance: Float = 1e-6
        #expect(maxDifference([frame], [expected]) <= tolerance)
    }

    @Test func variableFrameRateTimesAreKept() throws {
        let input = Self.fixture("vfr.mp4"), output = temp("vfr.mp4")
        try transcode(input, to: output)
        let a = try #require(try probeMedia(path: input).video), b = try #require(try probeMedia(path: output).video)
        #expect(a.packetTimes.count == 8 && b.packetTimes.count == 8)
        // The output keeps the input's time base, so times match to well under the shortest gap (40 ms).
        let tolerance = 1e-3
        for (x, y) in zip(a.packetTimes, b.packetTimes) { #expect(abs(x - y) <= tolerance) }
        #expect(abs(b.packetTimes[5] - 0.48) <= tolerance)  // after the 240 ms gap
    }

    @Test func truncatedInputCountsTheMissingFrames() throws {
        let truncated = temp("truncated.mp4")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.clip))
        try bytes.prefix(bytes.count * 6 / 10).write(to: URL(fileURLWithPath: truncated))
        let (transcoder, frames) = try transcode(truncated, to: temp("out.mp4"), keepFrames: true)
        #expect(frames.count > 0 && frames.count < 50)
        // Every frame is either decoded, lost in a damaged packet, or never arrived: none counted twice.
        let loss = transcoder.loss
        #expect(loss.framesDecoded == frames.count && loss.missingAtEnd > 0)
        #expect(loss.framesDecoded + loss.rejectedPackets + loss.missingAtEnd == 50, "\(loss)")
        #expect(loss.description.contains("the input ends early: \(loss.missingAtEnd) frames never arrived"), "\(loss)")
    }

    @Test func intactInputLosesNothing() throws {
        let (transcoder, _) = try transcode(Self.clip, to: temp("out.mkv"), VideoEncodeOptions(codec: .ffv1))
        #expect(transcoder.loss.isEmpty && transcoder.loss.framesDecoded == 50)
    }

    @Test func rotationIsCopied() throws {
        let output = temp("rotated.mp4")
        let (transcoder, _) = try transcode(Self.fixture("rotated-90.mp4"), to: output)
        let tolerance = 1e-9  // the display matrix holds 90 degrees exactly
        #expect(abs(transcoder.info.rotationDegrees - 90) < tolerance)
        let probe = try #require(try probeMedia(path: output).video)
        #expect(abs(probe.rotationDegrees - 90) < tolerance)
        #expect(probe.width == 32 && probe.height == 16)  // stored size; only players turn it
    }

    @Test func audioTheContainerCannotHoldIsLeftOutWithAWarning() throws {
        let output = temp("raw.h264")
        let (transcoder, _) = try transcode(Self.clip, to: output)
        #expect(transcoder.warnings.contains { $0.contains("audio stream") && $0.contains("left out") })
        #expect(try probeMedia(path: output).audio.isEmpty)
    }

    @Test func filesWithoutVideoGiveClearErrors() throws {
        let text = temp("notes.mp4"), empty = temp("empty.mp4")
        try "not a video, just some words\n".write(toFile: text, atomically: true, encoding: .utf8)
        try Data().write(to: URL(fileURLWithPath: empty))
        let cases: [(String, String)] = [
            (Self.fixture("tone.m4a"), "no video stream"),
            (empty, "empty file"),
            (temp("missing.mp4"), "no such file"),
        ]
        for (input, problem) in cases {
            let error = try #require(throws: CodecError.self) {
                try VideoTranscoder(inputPath: input, outputPath: temp("out.mp4"), options: .init())
            }
            #expect(error.file == input)
            #expect(error.problem == problem)
        }
        let error = try #require(throws: CodecError.self) {
            try VideoTranscoder(inputPath: text, outputPath: temp("out.mp4"), options: .init())
        }
        #expect(error.file == text && !error.problem.isEmpty)
        #expect(throws: CodecError.self) { try probeMedia(path: text) }
    }

    @Test func outputContainerErrorsNameTheOutput() throws {
        for (name, problem) in [("lossless.mp4", "cannot hold ffv1"), ("clip.unknown", "no known container")] {
            let output = temp(name)
            let error = try #require(throws: CodecError.self) {
                try VideoTranscoder(inputPath: Self.clip, outputPath: output, options: .init(codec: .ffv1))
            }
            #expect(error.file == output)
            #expect(error.problem.contains(problem))
        }
    }

    @Test func badEncoderSettingsAreRefused() throws {
        for (options, problem) in [(VideoEncodeOptions(preset: "fastest"), "unknown x264 preset \"fastest\""),
                                   (VideoEncodeOptions(crf: 60), "crf 60 is outside 0...51")] {
            let output = temp("out.mp4")
            let error = try #require(throws: CodecError.self) {
                try VideoTranscoder(inputPath: Self.clip, outputPath: output, options: options)
            }
            #expect(error.file == output)
            #expect(error.problem.hasPrefix(problem))
        }
    }

    @Test func writeNeedsAMatchingNewFrame() throws {
        let transcoder = try VideoTranscoder(inputPath: Self.clip, outputPath: temp("out.mp4"), options: .init())
        let frame = PlanarImage(width: 320, height: 240, channels: 3)
        #expect(throws: CodecError.self) { try transcoder.write(frame) }  // no frame decoded yet
        _ = try transcoder.nextFrame()
        #expect(throws: CodecError.self) { try transcoder.write(PlanarImage(width: 16, height: 16, channels: 3)) }
        try transcoder.write(frame)
        #expect(throws: CodecError.self) { try transcoder.write(frame) }  // that frame is written already
    }

    @Test func deepInputKeepsTenBitsAndItsColourTags() throws {
        let input = Self.fixture("hdr10-pq.mkv")
        let source = try #require(try probeMedia(path: input).video)
        #expect(source.pixelFormat == "yuv420p10le")
        #expect(source.colour == .init(primaries: "bt2020", transfer: "smpte2084", matrix: "bt2020nc", range: "tv"))
        // auto picks HEVC Main 10; H.264 asked for explicitly gives High 10.
        for (codec, name, expected) in [(VideoEncodeOptions.Codec.automatic, "auto.mkv", "hevc"),
                                        (.h264, "h264.mp4", "h264"), (.h265, "h265.mp4", "hevc")] {
            let output = temp(name)
            let (transcoder, inFrames) = try transcode(input, to: output, .init(codec: codec), keepFrames: true)
            #expect(transcoder.info.outputBitDepth == 10)
            let result = try #require(try probeMedia(path: output).video)
            #expect(result.codecName == expected && result.pixelFormat == "yuv420p10le")
            #expect(result.colour == source.colour)
            #expect(result.packetTimes.count == 6)
            // The identity "denoiser" through a lossy encoder: close, and in the same colours (a wrong
            // matrix or range on either side would shift them by far more).
            let (_, outFrames) = try transcode(output, to: temp("again-\(name).mkv"), .init(codec: .ffv1), keepFrames: true)
            let tolerance: Float = 0.05  // crf 18-20 on a 64x32 gradient
            #expect(maxDifference(inFrames, outFrames) < tolerance)
        }
    }

    @Test func eightBitInputStaysEightBitH264() throws {
        let (transcoder, _) = try transcode(Self.clip, to: temp("out.mp4"))
        #expect(transcoder.info.encoder == "libx264" && transcoder.info.outputBitDepth == 8)
    }

    @Test func subtitleStreamsAreCopiedWithTheirLanguages() throws {
        let input = Self.fixture("subtitled.mkv")
        let output = temp("out.mkv")
        let (transcoder, _) = try transcode(input, to: output)
        #expect(transcoder.info.subtitleStreamCount == 2 && transcoder.warnings.isEmpty)
        let before = try probeMedia(path: input), after = try probeMedia(path: output)
        let subtitles = after.others.filter { $0.kind == "subtitle" }
        #expect(subtitles.map(\.language) == ["eng", "fre"])
        #expect(subtitles.map(\.codecName) == ["subrip", "subrip"])
        #expect(subtitles.map(\.packetCount) == [2, 1])
        #expect(after.others == before.others)
        #expect(after.audio == before.audio)
    }

    @Test func subtitlesAContainerCannotHoldAreNamedInAWarning() throws {
        let output = temp("out.mp4")  // MP4 holds mov_text, not SubRip
        let (transcoder, _) = try transcode(Self.fixture("subtitled.mkv"), to: output)
        #expect(transcoder.warnings.count == 2)
        #expect(transcoder.warnings.allSatisfy { $0.contains("subtitle stream") && $0.contains("subrip") && $0.contains("left out") })
        #expect(try probeMedia(path: output).others.isEmpty)
    }
}
