import CCodecs

/// What a media file holds, read from its packets without decoding (for tests and tools).
public struct MediaProbe: Sendable, Equatable {
    public struct Video: Sendable, Equatable {
        public let width: Int
        public let height: Int
        /// Average frame rate, else the stream's base rate; 0 when neither is known.
        public let frameRate: Double
        public let codecName: String
        public let pixelFormat: String
        /// Clockwise rotation a player applies for display (0..<360).
        public let rotationDegrees: Double
        /// The stream's colour tags, as FFmpeg names them ("bt2020", "smpte2084", "bt2020nc", "tv";
        /// "unspecified" where untagged).
        public let colour: ColourTags
        /// Every video packet's presentation time as the stream stores it (units of `timeBase` seconds),
        /// sorted (= frame times), and those of the packets the container marks as key frames (where
        /// decoding can start).
        public let timestamps: [Int64]
        public let keyFrameTimestamps: [Int64]
        public let timeBase: TimeBase

        /// The same times in seconds.
        public var packetTimes: [Double] {
            let seconds = Double(timeBase.numerator) / Double(timeBase.denominator)
            return timestamps.map { Double($0) * seconds }
        }
    }

    /// Seconds per timestamp unit, numerator / denominator (1/12800, 1/1000, ...).
    public struct TimeBase: Sendable, Equatable {
        public let numerator: Int
        public let denominator: Int
    }

    public struct ColourTags: Sendable, Equatable {
        public let primaries: String
        public let transfer: String
        public let matrix: String
        public let range: String

        public init(primaries: String, transfer: String, matrix: String, range: String) {
            (self.primaries, self.transfer, self.matrix, self.range) = (primaries, transfer, matrix, range)
        }
    }

    /// A stream that is neither the main video nor audio: subtitles, data, attachments, other video.
    public struct OtherStream: Sendable, Equatable {
        /// "subtitle", "data", "attachment" or "video".
        public let kind: String
        public let codecName: String
        public let packetCount: Int
        /// The stream's language tag, "" without one.
        public let language: String
    }

    public struct Audio: Sendable, Equatable {
        public let codecName: String
        public let sampleRate: Int
        public let channelCount: Int
        public let packetCount: Int
        /// Bytes and an FNV-1a digest of every packet in order: equal when packets were copied unchanged.
        public let payloadBytes: Int
        public let payloadDigest: UInt64
    }

    /// The main video stream; nil for audio-only files.
    public let video: Video?
    public let audio: [Audio]
    public let others: [OtherStream]
}

public func probeMedia(path: String) throws -> MediaProbe {
    var handle: OpaquePointer?
    var info = ccodecs_probe_info()
    try ffmpegCall({ _ in path }) { ccodecs_probe_open(path, &handle, &info, $0, $1) }
    defer { ccodecs_probe_close(handle) }
    var video: MediaProbe.Video?
    if info.has_video != 0 {
        let count = Int(info.packet_count)
        let frames = [ccodecs_probe_frame](unsafeUninitializedCapacity: count) { buffer, initialized in
            ccodecs_probe_video_frames(handle, buffer.baseAddress)
            initialized = count
        }
        video = MediaProbe.Video(width: Int(info.width), height: Int(info.height), frameRate: info.frame_rate,
                                 codecName: cString(info.codec), pixelFormat: cString(info.pixel_format),
                                 rotationDegrees: info.rotation,
                                 colour: .init(primaries: cString(info.primaries), transfer: cString(info.transfer),
                                               matrix: cString(info.matrix), range: cString(info.range)),
                                 timestamps: frames.map(\.pts),
                                 keyFrameTimestamps: frames.filter { $0.key != 0 }.map(\.pts),
                                 timeBase: .init(numerator: Int(info.time_base_num), denominator: Int(info.time_base_den)))
    }
    let audio = (0..<info.audio_count).map { index -> MediaProbe.Audio in
        var stream = ccodecs_probe_audio()
        ccodecs_probe_audio_stream(handle, index, &stream)
        return MediaProbe.Audio(codecName: cString(stream.codec), sampleRate: Int(stream.sample_rate),
                                channelCount: Int(stream.channels), packetCount: Int(stream.packet_count),
                                payloadBytes: Int(stream.payload_bytes), payloadDigest: stream.payload_digest)
    }
    let others = (0..<info.other_count).map { index -> MediaProbe.OtherStream in
        var stream = ccodecs_probe_other()
        ccodecs_probe_other_stream(handle, index, &stream)
        return MediaProbe.OtherStream(kind: cString(stream.kind), codecName: cString(stream.codec),
                                      packetCount: Int(stream.packet_count), language: cString(stream.language))
    }
    return MediaProbe(video: video, audio: audio, others: others)
}

/// A fixed C char array (imported as a tuple) as a String.
func cString<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}
