import Batching
import Testing

/// `VideoSegment`: N segments write every frame and copy every packet exactly once, with the context a
/// temporal model needs, decoding from a key frame.
struct VideoSegmentTests {
    /// Frame times of a 25 fps clip in a 1/12800 time base, starting at `start`, with a key frame every `gop`.
    func clip(frames: Int, gop: Int, start: Int64 = 0) -> (timestamps: [Int64], keys: [Int64]) {
        let timestamps = (0..<frames).map { start + Int64($0) * 512 }
        return (timestamps, stride(from: 0, to: frames, by: gop).map { timestamps[$0] })
    }

    @Test(arguments: [1, 2, 3, 5, 8], [0, 1, 2])
    func segmentsWriteEveryFrameOnceWithTheirContext(count: Int, radius: Int) throws {
        let (timestamps, keys) = clip(frames: 50, gop: 12, start: -1024)
        var written: [Int64] = []
        for k in 0..<count {
            let part = VideoSegment(Shard(index: k, count: count), timestamps: timestamps, keyFrames: keys, radius: radius)
            written += timestamps.filter(part.writes(timestamp:))
            #expect(timestamps[part.frames].allSatisfy(part.writes(timestamp:)))
            #expect(part.frames.count >= 50 / count && part.frames.count <= 50 / count + 1, "balanced")
            #expect(part.context.lowerBound == max(0, part.frames.lowerBound - radius))
            #expect(part.context.upperBound == min(50, part.frames.upperBound + radius))
            if k == 0 {
                #expect(part.decodeFrom == nil && part.copyFrom == nil)
            } else {
                let decodeFrom = try #require(part.decodeFrom)
                let contextFirst = timestamps[part.context.lowerBound]
                #expect(keys.contains(decodeFrom) && decodeFrom <= contextFirst)
                #expect(keys.allSatisfy { $0 <= decodeFrom || $0 > contextFirst }, "the last key frame before the context")
            }
            #expect((part.copyUntil == nil) == (k == count - 1))
        }
        #expect(written == timestamps, "every frame once, in order")
    }

    /// Copy windows meet end to start, so each audio or subtitle packet belongs to exactly one segment.
    @Test func copyWindowsTileTheTimeline() {
        let (timestamps, keys) = clip(frames: 40, gop: 10)
        let parts = (0..<4).map { VideoSegment(Shard(index: $0, count: 4), timestamps: timestamps, keyFrames: keys, radius: 2) }
        for (a, b) in zip(parts, parts.dropFirst()) { #expect(a.copyUntil != nil && a.copyUntil == b.copyFrom) }
        for time in stride(from: Int64(-5000), to: 40 * 512 + 5000, by: 97) {
            let owners = parts.filter { ($0.copyFrom.map { time >= $0 } ?? true) && ($0.copyUntil.map { time < $0 } ?? true) }
            #expect(owners.count == 1, "time \(time)")
        }
    }

    /// More segments than frames: one frame each, and the last segments write and copy nothing; a clip
    /// without flagged key frames decodes from its start.
    @Test func emptySegmentsAndUnflaggedClips() {
        let (timestamps, _) = clip(frames: 2, gop: 1)
        let parts = (0..<4).map { VideoSegment(Shard(index: $0, count: 4), timestamps: timestamps, keyFrames: [], radius: 2) }
        #expect(parts.map(\.frames.count) == [1, 1, 0, 0])
        for part in parts.dropFirst(2) {
            #expect(timestamps.allSatisfy { !part.writes(timestamp: $0) } && part.copyFrom == .max, "copies nothing")
        }
        #expect(parts[1].copyUntil == nil, "the last segment with frames copies to the end")
        #expect(parts.allSatisfy { $0.decodeFrom == nil })
        let none = VideoSegment(Shard(index: 1, count: 2), timestamps: [], keyFrames: [], radius: 2)
        #expect(none.frames.isEmpty && none.context.isEmpty && none.decodeFrom == nil)
    }

    @Test func segmentValuesAreCheckedWithTheirOptionName() {
        let error = #expect(throws: ShardError.self) { _ = try Shard(parsing: "3/3", option: "--segment") }
        #expect(error?.description == "--segment 3/3: expected K/N with 0 <= K < N, e.g. 0/4")
    }
}
