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
        /// Every video packet's presentation time in seconds, sorted (= frame times).
        public let packetTimes: [Double]
    }

    public struct Audio: Sendable, Equatable {
        public let codecName: String
        public let sampleRate: Int
        public let channelCount: Int
        public let packetCount: Int
    }

    /// The main video stream; nil for audio-only files.
    public let video: Video?
    public let audio: [Audio]
}

public func probeMedia(path: String) throws -> MediaProbe {
    var handle: OpaquePointer?
    var info = ccodecs_probe_info()
    try ffmpegCall({ _ in path }) { ccodecs_probe_open(path, &handle, &info, $0, $1) }
    defer { ccodecs_probe_close(handle) }
    var video: MediaProbe.Video?
    if info.has_video != 0 {
        let count = Int(info.packet_count)
        let times = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            ccodecs_probe_video_times(handle, buffer.baseAddress)
            initialized = count
        }
        video = MediaProbe.Video(width: Int(info.width), height: Int(info.height), frameRate: info.frame_rate,
                                 codecName: string(info.codec), pixelFormat: string(info.pixel_format),
                                 rotationDegrees: info.rotation, packetTimes: times)
    }
    let audio = (0..<info.audio_count).map { index -> MediaProbe.Audio in
        var stream = ccodecs_probe_audio()
        ccodecs_probe_audio_stream(handle, index, &stream)
        return MediaProbe.Audio(codecName: string(stream.codec), sampleRate: Int(stream.sample_rate),
                                channelCount: Int(stream.channels), packetCount: Int(stream.packet_count))
    }
    return MediaProbe(video: video, audio: audio)
}

/// A fixed C char array (imported as a tuple) as a String.
private func string<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}
