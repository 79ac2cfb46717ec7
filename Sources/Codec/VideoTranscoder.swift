import CCodecs
import Imaging

/// How `VideoTranscoder` encodes the replaced frames.
public struct VideoEncodeOptions: Sendable {
    public enum Codec: String, Sendable, CaseIterable {
        /// H.265 for inputs deeper than 8 bits (HEVC Main 10, as HDR players expect), else H.264.
        case automatic = "auto"
        /// libx264: 4:2:0 (4:4:4 when a side is odd, as 4:2:0 cannot hold odd sizes); High 10 for deep inputs.
        case h264
        /// libx265: the same layouts; Main 10 for deep inputs.
        case h265
        /// FFV1, lossless RGB, 16 bits per sample for deep inputs (for .mkv / .avi / .nut).
        case ffv1
    }

    public var codec: Codec
    /// Constant rate factor (0 lossless ... 51 worst); nil: 18 for H.264, 20 for H.265. Ignored by FFV1.
    public var crf: Int?
    /// x264 / x265 preset name ("ultrafast" ... "veryslow"); ignored by FFV1.
    public var preset: String

    public init(codec: Codec = .automatic, crf: Int? = nil, preset: String = "medium") {
        (self.codec, self.crf, self.preset) = (codec, crf, preset)
    }

    var cValue: Int32 {
        switch codec {
        case .automatic: Int32(CCODECS_VIDEO_AUTO)
        case .h264: Int32(CCODECS_VIDEO_H264)
        case .h265: Int32(CCODECS_VIDEO_H265)
        case .ffv1: Int32(CCODECS_VIDEO_FFV1)
        }
    }
}

/// The input's video stream, as the transcoder sees it.
public struct VideoInfo: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Average frame rate, else the stream's base rate; 25 when the input gives neither (with a warning).
    public let frameRate: Double
    /// From the container's frame count, else duration times frame rate; nil when neither is known.
    public let frameCountEstimate: Int?
    public let durationSeconds: Double?
    /// Clockwise rotation a player applies for display (0..<360), from the display matrix.
    public let rotationDegrees: Double
    /// Audio and subtitle streams in the input (the warnings say which ones the output container
    /// could not hold).
    public let audioStreamCount: Int
    public let subtitleStreamCount: Int
    /// The output's video encoder (libx264, libx265, ffv1) and its bits per sample (8, 10 or 16).
    public let encoder: String
    public let outputBitDepth: Int
}

/// Decodes a video frame by frame as planar RGB and encodes a replacement for each frame at the same
/// size and timestamp, copying the audio, subtitle and data streams and the colour tags, in one pass
/// with constant memory:
///
///     let t = try VideoTranscoder(inputPath: a, outputPath: b, options: .init())
///     while let frame = try t.nextFrame() { try t.write(process(frame)) }
///     try t.finish()
///
/// The container comes from `outputPath`'s extension, so a temporary output path should end in the
/// final extension (e.g. "clip.tmp.mp4"). Without `finish()` the output is a partial file.
public final class VideoTranscoder {
    public let info: VideoInfo
    public let inputPath: String
    public let outputPath: String
    private let handle: OpaquePointer

    /// One time segment of the input (`denoise-video --segment`): video is decoded from the first key
    /// frame whose timestamp is at least `decodeFrom` (nil: from the start); audio, subtitle and data
    /// packets are copied when their time lies in `copyFrom ..< copyUntil` (nil: unbounded), so N segments
    /// copy each packet exactly once; timestamps are written as they are (a segment starting with negative
    /// audio priming keeps it, where a whole run's muxer shifts it), for `joinVideoSegments`. Timestamps in
    /// the video stream's time base (`MediaProbe.Video.timestamps`).
    public struct Segment: Sendable {
        public var decodeFrom: Int64?
        public var copyFrom: Int64?
        public var copyUntil: Int64?
        /// Which part of which run this is (`VideoSegmentTag`), stored in the file for the join.
        public var tag: VideoSegmentTag

        public init(decodeFrom: Int64?, copyFrom: Int64?, copyUntil: Int64?, tag: VideoSegmentTag) {
            (self.decodeFrom, self.copyFrom, self.copyUntil, self.tag) = (decodeFrom, copyFrom, copyUntil, tag)
        }
    }

    /// `segment`: only that part of the input (nil: all of it).
    public convenience init(inputPath: String, outputPath: String, options: VideoEncodeOptions, segment: Segment? = nil) throws {
        try self.init(inputPath: inputPath, outputPath: Optional(outputPath), options: options, segment: segment)
    }

    /// outputPath nil: decoding only (`write` and `finish` refuse).
    private init(inputPath: String, outputPath: String?, options: VideoEncodeOptions, segment: Segment?) throws {
        (self.inputPath, self.outputPath) = (inputPath, outputPath ?? "")
        var handle: OpaquePointer?
        var raw = ccodecs_video_info()
        try ffmpegCall({ $0 == CCODECS_FAIL_OUTPUT ? outputPath ?? inputPath : inputPath }) { err, length in
            func open(_ part: UnsafePointer<ccodecs_video_segment>?) -> Int32 {
                ccodecs_video_open(inputPath, outputPath, options.cValue, Int32(clamping: options.crf ?? -1),
                                   options.preset, part, &handle, &raw, err, length)
            }
            guard let segment else { return open(nil) }
            return segment.tag.text.withCString { tag in
                let part = ccodecs_video_segment(decode_from: segment.decodeFrom ?? .min, copy_from: segment.copyFrom ?? .min,
                                                 copy_until: segment.copyUntil ?? .max, tag: tag)
                return withUnsafePointer(to: part) { open($0) }
            }
        }
        self.handle = handle!
        info = VideoInfo(width: Int(raw.width), height: Int(raw.height), frameRate: raw.frame_rate,
                         frameCountEstimate: raw.frame_count >= 0 ? Int(raw.frame_count) : nil,
                         durationSeconds: raw.duration >= 0 ? raw.duration : nil,
                         rotationDegrees: raw.rotation, audioStreamCount: Int(raw.audio_streams),
                         subtitleStreamCount: Int(raw.subtitle_streams), encoder: cString(raw.encoder),
                         outputBitDepth: Int(raw.output_bit_depth))
    }

    deinit { ccodecs_video_close(handle) }

    /// Calls `body` with every frame of `inputPath` and its timestamp, in presentation order, decoding
    /// only; `body` returns false to stop early.
    public static func decodeFrames(of inputPath: String, _ body: (PlanarImage, Int64) throws -> Bool) throws {
        let reader = try VideoTranscoder(inputPath: inputPath, outputPath: nil, options: .init(), segment: nil)
        while let frame = try reader.nextFrame(), try body(frame, reader.lastFrameTimestamp) {}
    }

    /// The clip's first frame (what a run estimates a blind noise level from); nil without one.
    public static func firstFrame(of inputPath: String) throws -> PlanarImage? {
        var first: PlanarImage?
        try decodeFrames(of: inputPath) { frame, _ in
            first = frame
            return false
        }
        return first
    }

    /// Packets the decoder rejected (each costs at most a frame).
    public var skippedPackets: Int { Int(ccodecs_video_skipped_packets(handle)) }

    /// What the input lost so far: packets the decoder rejected and, once `nextFrame()` has returned nil,
    /// packets the container announced but never delivered (a truncated file).
    public var loss: FrameLoss {
        FrameLoss(rejectedPackets: Int(ccodecs_video_skipped_packets(handle)),
                  rejectedTimes: (0..<ccodecs_video_lost_time_count(handle)).map { ccodecs_video_lost_time(handle, $0) },
                  missingAtEnd: Int(ccodecs_video_missing_frames(handle)),
                  framesDecoded: Int(ccodecs_video_frames_decoded(handle)))
    }

    /// Things the output lacks compared with the input (streams left out, assumed frame rate).
    public var warnings: [String] {
        (0..<ccodecs_video_warning_count(handle)).map { String(cString: ccodecs_video_warning(handle, $0)) }
    }

    /// The timestamp of the frame `nextFrame()` returned last, to hand to `write(_:timestamp:)` when
    /// frames are written later than they are read.
    public var lastFrameTimestamp: Int64 { ccodecs_video_frame_pts(handle) }

    /// The next frame as planar RGB (3, height, width) in [0, 1]; nil after the last one.
    public func nextFrame() throws -> PlanarImage? {
        let count = 3 * info.width * info.height
        var status: Int32 = 0
        let pixels = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            status = try ffmpegCall(fileFor) { ccodecs_video_next(handle, buffer.baseAddress, $0, $1) }
            initialized = status == 1 ? count : 0
        }
        return status == 1 ? PlanarImage(width: info.width, height: info.height, channels: 3, pixels: pixels) : nil
    }

    /// Encodes `frame` in place of the frame `nextFrame()` returned last, with its timestamp.
    public func write(_ frame: PlanarImage) throws {
        try write(frame, timestamp: lastFrameTimestamp)
    }

    /// Encodes `frame` in place of the decoded frame whose `lastFrameTimestamp` was `timestamp`. Frames go
    /// in decoding order and never ahead of `nextFrame()` (a temporal model writes frame i after reading
    /// frame i + 2).
    public func write(_ frame: PlanarImage, timestamp: Int64) throws {
        guard frame.width == info.width, frame.height == info.height, frame.channels == 3 else {
            throw CodecError(file: outputPath, problem: "frame is \(frame.channels)x\(frame.height)x\(frame.width), "
                             + "expected 3x\(info.height)x\(info.width)")
        }
        _ = try frame.pixels.withUnsafeBufferPointer { pixels in
            try ffmpegCall(fileFor) { ccodecs_video_write(handle, pixels.baseAddress, timestamp, $0, $1) }
        }
    }

    /// Copies the packets of the copied streams left, flushes the encoder and completes the output file.
    public func finish() throws {
        try ffmpegCall(fileFor) { ccodecs_video_finish(handle, $0, $1) }
    }

    private func fileFor(_ status: Int32) -> String {
        status == CCODECS_FAIL_OUTPUT ? outputPath : inputPath
    }
}

/// Frames a damaged input cost: the decoder's rejected packets (each at most a frame; the first few with
/// their approximate input times) and packets missing at the end.
public struct FrameLoss: Sendable, Equatable, CustomStringConvertible {
    public let rejectedPackets: Int
    public let rejectedTimes: [Double]
    public let missingAtEnd: Int
    public let framesDecoded: Int

    public var isEmpty: Bool { rejectedPackets == 0 && missingAtEnd == 0 }

    /// E.g. "2 damaged packets (near 1.20 s, 1.24 s); the input ends early: 24 frames never arrived".
    public var description: String {
        var parts: [String] = []
        if rejectedPackets > 0 {
            let times = rejectedTimes.map { String(format: "%.2f s", $0) }.joined(separator: ", ")
            let more = rejectedPackets > rejectedTimes.count ? ", ..." : ""
            parts.append("\(rejectedPackets) damaged packet\(rejectedPackets == 1 ? "" : "s")"
                         + (times.isEmpty ? "" : " (near \(times)\(more))"))
        }
        if missingAtEnd > 0 {
            parts.append("the input ends early: \(missingAtEnd) frame\(missingAtEnd == 1 ? "" : "s") never arrived")
        }
        return parts.joined(separator: "; ")
    }
}
