import Codec
import Foundation
import Testing

/// `denoise INPUT... --output-dir DIR`: folders and files, names kept, existing outputs skipped, a bad
/// file reported while the rest are written, a summary, and the exit status.
@Suite(.serialized) struct DenoiseBatchTests {
    let model = ["--model", ToolRunner.fixtureModel, "--sigma", "20"]

    /// A folder with two pictures and a corrupt file, plus one file given directly.
    func inputs() throws -> (folder: URL, inputs: URL, single: String) {
        let folder = try ToolRunner.folder()
        let inputs = folder.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        for sample in ["astronaut-noisy-s25.png", "camera-noisy-s25.png"] {
            try FileManager.default.copyItem(atPath: ToolRunner.sample(sample), toPath: inputs.appendingPathComponent(sample).path)
        }
        try Data("not a picture".utf8).write(to: inputs.appendingPathComponent("broken.png"))
        try Data("notes".utf8).write(to: inputs.appendingPathComponent("readme.txt"))  // not an image: not picked up
        let single = folder.appendingPathComponent("coffee.png").path
        try FileManager.default.copyItem(atPath: ToolRunner.sample("coffee-noisy-s15.png"), toPath: single)
        return (folder, inputs, single)
    }

    @Test func corruptFileIsReportedAndTheRestWritten() throws {
        let (folder, inputs, single) = try inputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out").path
        let result = try ToolRunner.run("denoise", [inputs.path, single, "--output-dir", out] + model)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(ToolRunner.contents(URL(fileURLWithPath: out)) == ["astronaut-noisy-s25.png", "camera-noisy-s25.png", "coffee.png"])
        #expect(result.stderr.contains("broken.png: cannot decode"), "\(result.stderr)")
        #expect(result.stderrLines.last == "Error: denoise: 3 written, 0 skipped, 1 failed", "\(result.stderr)")
        // Outputs keep the input's layout (gray stays gray).
        let gray = try PNGCodec.read(path: out + "/camera-noisy-s25.png", maxPixels: 1 << 24)
        #expect(gray.layout.channels == .gray)
    }

    /// Three shards (as three array tasks would run) write exactly the outputs of one run, each once,
    /// with the same bytes; the corrupt file fails in exactly one shard.
    @Test func shardsWriteEveryOutputOnce() throws {
        let (folder, inputs, single) = try inputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        let whole = folder.appendingPathComponent("whole").path, parts = folder.appendingPathComponent("parts").path
        _ = try ToolRunner.run("denoise", [inputs.path, single, "--output-dir", whole] + model)
        var written: [String] = [], failures = 0
        for k in 0..<3 {
            let before = Set(ToolRunner.contents(URL(fileURLWithPath: parts)))
            let result = try ToolRunner.run("denoise", [inputs.path, single, "--output-dir", parts, "--shard", "\(k)/3"] + model)
            failures += result.stderr.contains("broken.png: cannot decode") ? 1 : 0
            written += Set(ToolRunner.contents(URL(fileURLWithPath: parts))).subtracting(before)
        }
        #expect(written.sorted() == ToolRunner.contents(URL(fileURLWithPath: whole)))
        #expect(failures == 1)
        for name in written {
            #expect(FileManager.default.contentsEqual(atPath: whole + "/" + name, andPath: parts + "/" + name), "\(name)")
        }
        let lone = try ToolRunner.run("denoise", [single, folder.appendingPathComponent("o.png").path, "--shard", "0/2"] + model)
        #expect(lone.status != 0 && lone.stderr.contains("--shard 0/2: only splits a batch"), "\(lone.stderr)")
        let bad = try ToolRunner.run("denoise", [single, "--output-dir", parts, "--shard", "2/2"] + model)
        #expect(bad.status != 0 && bad.stderr.contains("--shard 2/2: expected K/N"), "\(bad.stderr)")
    }

    @Test func existingOutputsAreSkippedUnlessForce() throws {
        let (folder, _, single) = try inputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out").path
        #expect(try ToolRunner.run("denoise", [single, "--output-dir", out] + model).status == 0)
        let again = try ToolRunner.run("denoise", [single, "--output-dir", out] + model)
        #expect(again.status == 0 && again.stderrLines.last == "0 written, 1 skipped, 0 failed", "\(again.stderr)")
        let forced = try ToolRunner.run("denoise", [single, "--output-dir", out, "--force"] + model)
        #expect(forced.status == 0 && forced.stderrLines.last == "1 written, 0 skipped, 0 failed", "\(forced.stderr)")
    }

    /// Two inputs that would write the same output name: the second is refused, not silently overwritten.
    @Test func collidingNamesAreRefused() throws {
        let (folder, inputs, _) = try inputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        let twin = folder.appendingPathComponent("astronaut-noisy-s25.png").path
        try FileManager.default.copyItem(atPath: ToolRunner.sample("astronaut-noisy-s25.png"), toPath: twin)
        let out = folder.appendingPathComponent("out").path
        let result = try ToolRunner.run("denoise", [inputs.appendingPathComponent("astronaut-noisy-s25.png").path, twin,
                                                    "--output-dir", out] + model)
        #expect(result.status == 1 && result.stderr.contains("is already written for"), "\(result.stderr)")
        #expect(ToolRunner.contents(URL(fileURLWithPath: out)) == ["astronaut-noisy-s25.png"])
    }

    /// A file given twice is one input; hidden files in a folder are not pictures; a batch into its own
    /// folder never touches its inputs.
    @Test func duplicatesHiddenFilesAndOwnFolder() throws {
        let (folder, inputs, _) = try inputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: inputs.appendingPathComponent("broken.png"))
        try Data("resource fork".utf8).write(to: inputs.appendingPathComponent("._astronaut-noisy-s25.png"))
        let astronaut = inputs.appendingPathComponent("astronaut-noisy-s25.png").path
        let before = try Data(contentsOf: URL(fileURLWithPath: astronaut))
        let result = try ToolRunner.run("denoise", [inputs.path, inputs.path + "/", astronaut, "--output-dir", inputs.path, "--force"] + model)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderrLines.last == "0 written, 2 skipped, 0 failed", "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: astronaut)) == before)
    }

    /// --format sets a batch's extension; a single output takes its own (.tif keeps 16 bits).
    @Test func formatsOfTheOutputs() throws {
        let (folder, _, single) = try inputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out").path
        let batch = try ToolRunner.run("denoise", [single, "--output-dir", out, "--format", "jpg", "--quality", "90"] + model)
        #expect(batch.status == 0 && ToolRunner.contents(URL(fileURLWithPath: out)) == ["coffee.jpg"], "\(batch.stderr)")
        let tiff = folder.appendingPathComponent("chelsea.tif").path
        let single16 = try ToolRunner.run("denoise", [ToolRunner.sample("chelsea-noisy-s50.png"), tiff] + model)
        #expect(single16.status == 0, "\(single16.stderr)")
        #expect(try ImageFile.read(path: tiff, maxPixels: 1 << 20).layout.bitDepth == 16)
        let bad = try ToolRunner.run("denoise", [single, "--output-dir", out, "--format", "webp"] + model)
        #expect(bad.status != 0 && bad.stderr.contains("--format webp: must be png, jpg or tif"), "\(bad.stderr)")
    }

    @Test func twoArgumentFormNeedsExactlyTwo() throws {
        let result = try ToolRunner.run("denoise", [ToolRunner.sample("coffee-noisy-s15.png")] + model)
        #expect(result.status != 0 && result.stderrLines.count == 1 && result.stderr.contains("give an input and an output"),
                "\(result.stderr)")
    }
}
