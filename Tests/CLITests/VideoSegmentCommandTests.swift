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

    /// Runs `source` once and as `count` concurrent segment processes joined in a shuffled order, with
    /// a lossless codec, and checks that the joined file is the single run's: every frame bit for bit at
    /// its timestamp, the same audio packets (count, bytes, digest) and the same other streams.
    func checkJoin(source: String, container: String, codec: [String], count: Int, frames expected: Int) throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let common = codec + temporal
        let single = try ToolRunner.run("denoise-video", [source, "-o", path("single.\(container)")] + common)
        #expect(single.status == 0, "\(single.stderr)")
        let parts = (0..<count).map { path("part-\($0).\(container)") }
        for result in arrayTasks(count, { k in [source, "--segment", "\(k)/\(count)", "-o", parts[k]] + common }) {
            #expect(result?.status == 0, "\(result?.stderr ?? "did not run")")
        }
        let joined = try ToolRunner.run("denoise-video", ["--join"] + parts.reversed() + ["-o", path("joined.\(container)")])
        #expect(joined.status == 0 && joined.stderr.contains("\(count) segments joined"), "\(joined.stderr)")

        let a = try probeMedia(path: path("single.\(container)")), b = try probeMedia(path: path("joined.\(container)"))
        let (va, vb) = (try #require(a.video), try #require(b.video))
        #expect(va.timestamps.count == expected && vb.timestamps == va.timestamps, "every frame once, at its time")
        #expect(b.audio == a.audio, "the same audio packets (count, bytes and digest)")
        #expect(b.others == a.others, "the same subtitle and data streams")
        #expect(try VideoSegmentTag.read(from: path("joined.\(container)")) == nil, "the joined file is not a part")
        #expect(try VideoSegmentTag.read(from: parts[1]) != nil)
        let (fa, fb) = (try frames(path("single.\(container)")), try frames(path("joined.\(container)")))
        #expect(fa.count == expected && fb.count == expected && fa.map(\.1) == fb.map(\.1))
        for ((x, _), (y, _)) in zip(fa, fb) { #expect(x.pixels == y.pixels, "lossless: bit-identical frames") }
    }

    /// FFV1 in Matroska from an all-key-frame source (later segments decode from a key frame in the middle).
    @Test func losslessSegmentsJoinToTheSingleRun() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("source.mkv").path
        let made = try ToolRunner.run("denoise-video", [ToolRunner.sample("noisy-clip.mp4"), "-o", source, "--codec", "ffv1",
                                                        "--model", ToolRunner.fixtureModel, "--sigma", "5"])
        #expect(made.status == 0, "\(made.stderr)")
        try checkJoin(source: source, container: "mkv", codec: ["--codec", "ffv1"], count: 3, frames: 50)
    }

    /// H.264 in MP4 (B-frames, an edit list for the audio priming, one key frame in the source) at
    /// --crf 0, x264's lossless mode, so that its frames too compare exactly. (At other rates the frames
    /// differ by the encoder, which starts each segment with a key frame.)
    @Test func h264SegmentsInMP4JoinToTheSingleRun() throws {
        try checkJoin(source: ToolRunner.sample("noisy-clip.mp4"), container: "mp4",
                      codec: ["--codec", "h264", "--crf", "0", "--encoder-preset", "ultrafast"], count: 3, frames: 50)
    }

    /// More segments than frames (the last segment is empty), and a Matroska clip with subtitles.
    @Test(arguments: [("frames-2.mp4", "mp4", 2), ("subtitled.mkv", "mkv", 5)])
    func smallAndSubtitledClips(name: String, container: String, frames: Int) throws {
        let source = ToolRunner.repo.appendingPathComponent("Tests/CodecTests/Fixtures/\(name)").path
        try checkJoin(source: source, container: container, codec: ["--codec", "h264", "--crf", "0"], count: 3, frames: frames)
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
        for (k, codec) in [(0, "ffv1"), (1, "ffv1"), (1, "h264")] {
            let made = try ToolRunner.run("denoise-video", [clip, "--segment", "\(k)/2", "-o", path("\(codec)-\(k).mkv"), "--codec", codec] + temporal)
            #expect(made.status == 0, "\(made.stderr)")
        }
        let cases: [([String], String, String)] = [
            ([clip, path("ffv1-1.mkv")], "noisy-clip.mp4", "not a part written by denoise-video --segment"),
            ([path("ffv1-0.mkv")], "j.mkv", "parts missing: 1/2"),
            ([path("ffv1-0.mkv"), path("ffv1-1.mkv"), path("ffv1-1.mkv")], "ffv1-1.mkv", "is part 1/2 again"),
            ([path("ffv1-0.mkv"), path("h264-1.mkv")], "h264-1.mkv", "of another run"),
        ]
        for (inputs, file, problem) in cases {
            let result = try ToolRunner.run("denoise-video", ["--join"] + inputs + ["-o", path("j.mkv")])
            #expect(result.status != 0 && result.stderrLines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(file) && result.stderr.contains(problem), "\(result.stderr)")
        }
        #expect(!ToolRunner.contents(folder).contains("j.mkv"))
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
