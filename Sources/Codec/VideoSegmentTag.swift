import CCodecs

/// What a `denoise-video --segment K/N` part records about itself ("K/N run" in the file's
/// "denoise_segment" metadata), so that `joinVideoSegments` takes the parts in order and refuses a set
/// with a part missing, doubled, or left from another run. `run` names the run: a digest of the input
/// and of the command's options, equal for every part of one array job.
public struct VideoSegmentTag: Sendable, Equatable {
    public let index: Int
    public let count: Int
    public let run: String

    public init(index: Int, count: Int, run: String) {
        precondition(count >= 1 && (0..<count).contains(index) && !run.isEmpty && !run.contains(" "))
        (self.index, self.count, self.run) = (index, count, run)
    }

    /// Parses "K/N run"; nil for anything else.
    public init?(parsing text: String) {
        let fields = text.split(separator: " ")
        let part = fields.first?.split(separator: "/") ?? []
        guard fields.count == 2, part.count == 2, let k = Int(part[0]), let n = Int(part[1]), n >= 1, (0..<n).contains(k) else {
            return nil
        }
        self.init(index: k, count: n, run: String(fields[1]))
    }

    public var text: String { "\(index)/\(count) \(run)" }

    /// The tag a part at `path` holds (its "denoise_segment" metadata, read from the file's header);
    /// nil for a file that is not a part.
    public static func read(from path: String) throws -> VideoSegmentTag? {
        var text = [CChar](repeating: 0, count: 256)
        let length = text.count
        try ffmpegCall({ _ in path }) { err, errLength in
            text.withUnsafeMutableBufferPointer { ccodecs_video_segment_tag(path, $0.baseAddress, length, err, errLength) }
        }
        return VideoSegmentTag(parsing: String(cString: text))
    }

    /// A run name from the things that make two runs differ: FNV-1a over `parts`, as 16 hex digits.
    public static func runName(_ parts: [String]) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in parts.joined(separator: "\u{0}").utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
