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

    /// A temporal model (the three-frame parity fixture) writes each frame two reads late through a ring
    /// of frames: every frame still comes out once, at its own time, for clips longer and shorter than
    /// its window (1 and 2 frames).
    @Test(arguments: ["sample", "frames-1.mp4", "frames-2.mp4"])
    func temporalModelKeepsEveryFrameAtItsTime(clip name: String) throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = name == "sample" ? ToolRunner.sample("noisy-clip.mp4")
            : ToolRunner.repo.appendingPathComponent("Tests/CodecTests/Fixtures/\(name)").path
        let destination = folder.appendingPathComponent("out.mp4").path
        let temporal = ToolRunner.repo.appendingPathComponent("Tests/SkipatModelTests/Fixtures/tiny-temporal.safetensors").path
        let result = try ToolRunner.run("denoise-video", [input, "-o", destination, "--sigma", "20", "--model", temporal])
        #expect(result.status == 0, "\(result.stderr)")
        let before = try probeMedia(path: input), after = try probeMedia(path: destination)
        let (a, b) = (try #require(before.video), try #require(after.video))
        #expect(b.packetTimes == a.packetTimes)
        #expect(a.width == b.width && a.height == b.height)
        #expect(result.stderr.contains("\(a.packetTimes.count)/\(a.packetTimes.count) frames"))
    }

    @Test func tenBitHDRClipStaysTenBitWithItsTagsAndSubtitlesStay() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let codecFixtures = ToolRunner.repo.appendingPathComponent("Tests/CodecTests/Fixtures")
        for (name, output) in [("hdr10-pq.mkv", "hdr.mkv"), ("subtitled.mkv", "subtitled.mkv")] {
            let input = codecFixtures.appendingPathComponent(name).path
            let destination = folder.appendingPathComponent(output).path
            let result = try ToolRunner.run("denoise-video", [input, "-o", destination, "--sigma", "10"] + model)
            #expect(result.status == 0, "\(result.stderr)")
            let before = try probeMedia(path: input), after = try probeMedia(path: destination)
            let (a, b) = (try #require(before.video), try #require(after.video))
            #expect(b.pixelFormat == a.pixelFormat, "8 bits stay 8, 10 stay 10")
            #expect(b.colour == a.colour)
            #expect(b.packetTimes == a.packetTimes)
            #expect(after.others == before.others && after.audio == before.audio)
        }
    }

    @Test func encoderOptionsAreCheckedBeforeWork() throws {
        let (folder, clip) = try clipCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (arguments, message) in [(["--codec", "vp9"], "--codec vp9: must be auto, h264, h265 or ffv1"),
                                     (["--crf", "52"], "--crf 52: out of range (0-51)"),
                                     (["--encoder-preset", "fastest"], "--encoder-preset fastest: must be one of ultrafast")] {
            let result = try ToolRunner.run("denoise-video", [clip, "--sigma", "20"] + arguments + model)
            #expect(result.status != 0 && result.stderr.contains(message), "\(result.stderr)")
            #expect(ToolRunner.contents(folder) == ["clip.mp4"])
        }
    }

    @Test func interruptLeavesNoPartialVideo() throws {
        let (folder, clip) = try clipCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        // 32-pixel tiles on one thread keep the run going well past the 1.5 s we wait.
        let result = try ToolRunner.run("denoise-video", [clip, "-o", folder.appendingPathComponent("out.mkv").path, "--sigma", "20",
                                                          "--tile", "32", "--overlap", "12", "--threads", "1", "--codec", "ffv1"] + model,
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

    /// The sample clip cut after `fraction` of its bytes (its index is at the front, so the start decodes).
    func truncatedClip(_ folder: URL, keeping bytes: (Data) -> Int) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: ToolRunner.sample("noisy-clip.mp4")))
        let path = folder.appendingPathComponent("cut.mp4").path
        try data.prefix(bytes(data)).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A truncated clip: without --keep-going, an error naming the loss and no output; with it, the
    /// frames that decode are written, the loss reported, exit 0.
    @Test func truncatedClipFailsUnlessKeepGoing() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = try truncatedClip(folder) { $0.count * 6 / 10 }
        let output = folder.appendingPathComponent("out.mp4").path
        let strict = try ToolRunner.run("denoise-video", [clip, "-o", output, "--sigma", "20"] + model)
        // The cut leaves a partial last packet (rejected by the decoder, with its time) and missing frames.
        #expect(strict.status == 1 && strict.stderrLines.last?.contains("cut.mp4: damaged video: 1 damaged packet (near ") == true,
                "\(strict.stderr)")
        #expect(strict.stderr.contains("no output written"))
        #expect(ToolRunner.contents(folder) == ["cut.mp4"])

        let lenient = try ToolRunner.run("denoise-video", [clip, "-o", output, "--sigma", "20", "--keep-going"] + model)
        #expect(lenient.status == 0, "\(lenient.stderr)")
        #expect(lenient.stderr.contains("lost frames: 1 damaged packet (near ") && lenient.stderr.contains("the input ends early"),
                "\(lenient.stderr)")
        let frames = try #require(try probeMedia(path: output).video).packetTimes.count
        #expect(frames > 0 && frames < 50)
    }

    /// A clip whose header is intact but whose frames are gone: an error, even with --keep-going.
    @Test func clipWithoutDecodableFrames() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let clip = try truncatedClip(folder) { data in
            (data.range(of: Data("mdat".utf8))?.upperBound ?? data.count) + 16
        }
        let result = try ToolRunner.run("denoise-video", [clip, "-o", folder.appendingPathComponent("o.mp4").path,
                                                          "--sigma", "20", "--keep-going"] + model)
        #expect(result.status == 1 && result.stderrLines.last?.contains("cut.mp4: no decodable video frames") == true,
                "\(result.stderr)")
        #expect(ToolRunner.contents(folder) == ["cut.mp4"])
    }
}
