import Codec
import Foundation
import Imaging
import Testing

/// `denoise-video --segment K/N` and `--join`: N processes standing in for the array tasks of a scheduler
/// write the parts of a clip side by side, and the joined file is what one run writes.
@Suite(.serialized) struct VideoSegmentCommandTests {
    /// The three-frame parity fixture: a temporal model, so segments need context frames from their neighbours.
    let temporal = ["--model", ToolRunner.repo.appendingPathComponent("Tests/SkipatModelTests/Fixtures/tiny-temporal.safetensors").path,
                    "--sigma", "20"]

    /// Every frame of a video with its timestamp, decoded.
    func frames(_ path: String) throws -> [(PlanarImage, Int64)] {
        var frames: [(PlanarImage, Int64)] = []
        try VideoTranscoder.decodeFrames(of: path) { frame, timestamp in
            frames.append((frame, timestamp))
            return true
        }
        return frames
    }

    /// Runs `arguments(k)` for k = 0..<count as concurrent processes; returns their results in order.
    func arrayTasks(_ count: Int, _ arguments: (Int) -> [String]) -> [ToolRunner.Result?] {
        let results = ResultBox(count)
        DispatchQueue.concurrentPerform(iterations: count) { k in
            results.set(k, try? ToolRunner.run("denoise-video", arguments(k)))
        }
        return results.values
    }

    /// FFV1 in Matroska, from an all-key-frame source (later segments decode from a key frame in the
    /// middle), and H.264 in MP4 (B-frames, an edit list for the audio priming, one key frame in the
    /// source) at --crf 0, x264's lossless mode, so that its frames too can be compared exactly: the joined
    /// file has the single run's frames, at the same timestamps, with the same audio packets. (At other
    /// rates the frames differ by the encoder, which starts each segment with a key frame.)
    @Test(arguments: [("mkv", "ffv1"), ("mp4", "h264")])
    func threeSegmentsJoinToTheSingleRun(container: String, codec: String) throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        var source = ToolRunner.sample("noisy-clip.mp4")
        if codec == "ffv1" {  // every frame a key frame, audio kept
            let made = try ToolRunner.run("denoise-video", [source, "-o", path("source.mkv"), "--codec", "ffv1",
                                                            "--model", ToolRunner.fixtureModel, "--sigma", "5"])
            #expect(made.status == 0, "\(made.stderr)")
            source = path("source.mkv")
        }
        let common = ["--codec", codec] + (codec == "h264" ? ["--crf", "0", "--encoder-preset", "ultrafast"] : []) + temporal
        let single = try ToolRunner.run("denoise-video", [source, "-o", path("single.\(container)")] + common)
        #expect(single.status == 0, "\(single.stderr)")
        let parts = (0..<3).map { path("part-\($0).\(container)") }
        for result in arrayTasks(3, { k in [source, "--segment", "\(k)/3", "-o", parts[k]] + common }) {
            #expect(result?.status == 0, "\(result?.stderr ?? "did not run")")
        }
        let joined = try ToolRunner.run("denoise-video", ["--join", parts[2], parts[0], parts[1], "-o", path("joined.\(container)")])
        #expect(joined.status == 0 && joined.stderr.contains("3 segments joined"), "\(joined.stderr)")

        let a = try probeMedia(path: path("single.\(container)")), b = try probeMedia(path: path("joined.\(container)"))
        let (va, vb) = (try #require(a.video), try #require(b.video))
        #expect(va.timestamps.count == 50 && vb.timestamps == va.timestamps, "every frame once, at its time")
        #expect(a.audio.count == 1 && b.audio == a.audio, "the same audio packets (count, bytes and digest)")
        let (fa, fb) = (try frames(path("single.\(container)")), try frames(path("joined.\(container)")))
        #expect(fa.count == 50 && fb.count == 50 && fa.map(\.1) == fb.map(\.1))
        for ((x, _), (y, _)) in zip(fa, fb) { #expect(x.pixels == y.pixels, "lossless: bit-identical frames") }
    }

    @Test func badSegmentsAreRefusedNamingTheFile() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let clip = ToolRunner.sample("noisy-clip.mp4")
        let bad = try ToolRunner.run("denoise-video", [clip, "--segment", "3/3", "-o", path("x.mkv")] + temporal)
        #expect(bad.status != 0 && bad.stderr.contains("--segment 3/3: expected K/N"), "\(bad.stderr)")
        let noOutput = try ToolRunner.run("denoise-video", ["--join", clip])
        #expect(noOutput.status != 0 && noOutput.stderr.contains("needs -o"), "\(noOutput.stderr)")
        // A whole run and a segment of it overlap in time: refused, no output.
        let whole = try ToolRunner.run("denoise-video", [clip, "-o", path("whole.mkv"), "--codec", "ffv1"] + temporal)
        let part = try ToolRunner.run("denoise-video", [clip, "--segment", "1/2", "-o", path("part.mkv"), "--codec", "ffv1"] + temporal)
        #expect(whole.status == 0 && part.status == 0)
        let overlap = try ToolRunner.run("denoise-video", ["--join", path("whole.mkv"), path("part.mkv"), "-o", path("j.mkv")])
        #expect(overlap.status != 0 && overlap.stderrLines.count == 1, "\(overlap.stderr)")
        #expect(overlap.stderr.contains("part.mkv") && overlap.stderr.contains("overlaps"), "\(overlap.stderr)")
        // Segments of runs with different settings (here codecs) do not join.
        let other = try ToolRunner.run("denoise-video", [clip, "--segment", "0/2", "-o", path("other.mkv"), "--codec", "h264"] + temporal)
        #expect(other.status == 0)
        let mixed = try ToolRunner.run("denoise-video", ["--join", path("other.mkv"), path("part.mkv"), "-o", path("m.mkv")])
        #expect(mixed.status != 0 && mixed.stderr.contains("part.mkv") && mixed.stderr.contains("differs"), "\(mixed.stderr)")
        #expect(!ToolRunner.contents(folder).contains("j.mkv") && !ToolRunner.contents(folder).contains("m.mkv"))
    }
}

/// Results of concurrent tasks, one slot each.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [ToolRunner.Result?]
    init(_ count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: ToolRunner.Result?) { lock.withLock { slots[index] = value } }
    var values: [ToolRunner.Result?] { lock.withLock { slots } }
}
