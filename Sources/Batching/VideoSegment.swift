/// `denoise-video --segment K/N`: which frames of a clip the K-th of N time segments writes, which it
/// must decode around them, and which audio, subtitle and data packets it copies, so that N runs write
/// every frame and packet of one run exactly once, and `denoise-video --join` puts them back together.
///
/// The clip is cut into N runs of consecutive frames of equal length (± 1 frame), balanced for the
/// array tasks; a cut need not fall on a key frame, because each segment decodes from the key frame at or
/// before its first context frame (decoding a group of pictures costs little beside denoising it). A
/// temporal model sees `radius` frames on each side of the frame it restores, so a segment also feeds
/// the `radius` decoded frames on each side of its time window to the model: the frames it writes see
/// the same windows, and the same scene cuts, as in one run over the whole clip. The plan comes from the
/// container's packet times; the run itself goes by decoded frames and the time window, so a frame the
/// packet list does not show (a packet without a time, two fields in one frame) still has one owner.
public struct VideoSegment: Sendable, Equatable {
    /// Which of the N segments this is.
    public let shard: Shard
    /// Indices (presentation order) of the frames this segment writes; empty for the last segments of a
    /// clip with fewer frames than segments.
    public let frames: Range<Int>
    /// Indices of the frames it decodes and feeds to the model: `frames` and up to `radius` on each side.
    public let context: Range<Int>
    /// Decoding starts at the last key frame at or before the first context frame (nil: at the start).
    public let decodeFrom: Int64?
    /// Frames and copied packets whose time lies in copyFrom ..< copyUntil belong to this segment (nil:
    /// unbounded, for the first and the last segment).
    public let copyFrom: Int64?
    public let copyUntil: Int64?

    /// `timestamps`: every frame's, sorted (presentation order); `keyFrames`: the key frames' timestamps.
    public init(_ segment: Shard, timestamps: [Int64], keyFrames: [Int64], radius: Int) {
        precondition(radius >= 0)
        shard = segment
        let count = timestamps.count
        // Segment k starts at frame floor(count * k / N): lengths differ by at most one frame. With fewer
        // frames than segments, one frame each and the last segments empty (they write and copy nothing).
        func start(_ k: Int) -> Int { count >= segment.count ? count * k / segment.count : min(k, count) }
        let first = start(segment.index), end = start(segment.index + 1)
        frames = first..<end
        context = frames.isEmpty ? first..<first : max(0, first - radius)..<min(count, end + radius)
        if !context.isEmpty, segment.index > 0 {
            let contextFirst = timestamps[context.lowerBound]
            decodeFrom = keyFrames.last { $0 <= contextFirst }  // none flagged before: from the start
        } else {
            decodeFrom = nil
        }
        copyFrom = segment.index == 0 || first >= count ? (segment.index == 0 ? nil : Int64.max) : timestamps[first]
        copyUntil = segment.index == segment.count - 1 || end >= count ? nil : timestamps[end]
    }

    /// Whether this segment writes the frame with this timestamp.
    public func writes(timestamp: Int64) -> Bool {
        !frames.isEmpty && (copyFrom.map { timestamp >= $0 } ?? true) && (copyUntil.map { timestamp < $0 } ?? true)
    }
}
