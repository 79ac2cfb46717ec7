import Codec
import Foundation
import Testing

/// `denoise-video` end to end on the bundled clip, with the tiny fixture model.
@Suite(.serialized) struct DenoiseVideoCommandTests {
    let model = ["--model", ToolRunner.fixtureModel]

    /// A copy of the sample clip in a fresh folder (the default output goes beside the input).
    func clipCopy() throws -> (folder: URL, clip: String) {
        let folder = try ToolRunner.folder()
        let clip = folder.appendingPathComponent("clip.mp4").path
        try FileManager.default.copyItem(atPath: ToolRunner.sample("noisy-clip.mp4"), toPath: clip)
        return (folder, clip)
    }

    @Test func keepsFramesSizeRateAndAudioWithDefaultName() throws {
        let (folder, clip) = try clipCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ToolRunner.run("denoise-video", [clip, "--sigma", "20"] + model)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(ToolRunner.contents(folder) == ["clip.denoised.mp4", "clip.mp4"])
        let before = try probeMedia(path: clip), after = try probeMedia(path: folder.appendingPathComponent("clip.denoised.mp4").path)
        let (a, b) = (try #require(before.video), try #require(after.video))
        #expect(a.width == b.width && a.height == b.height && a.packetTimes.count == b.packetTimes.count)
        #expect(abs(a.frameRate - b.frameRate) < 1e-9)
        #expect(after.audio.count == 1 && after.audio[0].packetCount == before.audio[0].packetCount)
        #expect(result.stderr.contains("50/50 frames"), "plain progress lines when stderr is not a terminal")
    }

    @Test func interruptLeavesNoPartialVideo() throws {
        let (folder, clip) = try clipCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        // 32-pixel tiles on one thread keep the run going well past the 1.5 s we wait.
        let result = try ToolRunner.run("denoise-video", [clip, "-o", folder.appendingPathComponent("out.mkv").path, "--sigma", "20",
                                                          "--tile", "32", "--overlap", "16", "--threads", "1", "--codec", "ffv1"] + model,
                                        interruptAfter: 1.5)
        #expect(result.status == 128 + SIGINT, "\(result.stderr)")
        #expect(ToolRunner.contents(folder) == ["clip.mp4"])
    }

    @Test func noVideoStream() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let audio = ToolRunner.repo.appendingPathComponent("Tests/CodecTests/Fixtures/tone.m4a").path
        let result = try ToolRunner.run("denoise-video", [audio, "-o", folder.appendingPathComponent("o.mp4").path] + model)
        #expect(result.status != 0 && result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("tone.m4a") && result.stderr.contains("no video stream"), "\(result.stderr)")
        #expect(ToolRunner.contents(folder).isEmpty)
    }

    @Test func notAVideo() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fake = folder.appendingPathComponent("fake.mp4").path
        try Data("definitely not a video".utf8).write(to: URL(fileURLWithPath: fake))
        let result = try ToolRunner.run("denoise-video", [fake] + model)
        #expect(result.status != 0 && result.stderrLines.count == 1 && result.stderr.contains("fake.mp4"), "\(result.stderr)")
        #expect(ToolRunner.contents(folder) == ["fake.mp4"])
    }
}
