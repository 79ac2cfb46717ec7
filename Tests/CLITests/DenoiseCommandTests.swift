import Codec
import Foundation
import Imaging
import Metrics
import Testing

/// `denoise` end to end on real files, with the tiny fixture model (fast, independent of training).
@Suite(.serialized) struct DenoiseCommandTests {
    let model = ["--model", ToolRunner.fixtureModel]

    @Test(arguments: ["astronaut-noisy-s25.png", "camera-noisy-s25.png", "chelsea-noisy-s50.png"])
    func writesTheInputsLayout(sample: String) throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = ToolRunner.sample(sample), output = folder.appendingPathComponent("out.png").path
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let result = try ToolRunner.run("denoise", [input, output, "--sigma", "25"] + model)
        #expect(result.status == 0, "\(result.stderr)")
        let a = try PNGCodec.read(path: input, maxPixels: 1 << 24), b = try PNGCodec.read(path: output, maxPixels: 1 << 24)
        #expect(a.width == b.width && a.height == b.height && a.layout == b.layout)
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before, "the input is never modified")
        #expect(ToolRunner.contents(folder) == ["out.png"], "no temporary files remain")
    }

    /// `--sigma 0` and `--strength 0` return the input's samples unchanged (16-bit RGB sample: bit-exact);
    /// `--strength 0.5` tells the model half the noise level: the same samples as `--sigma 25` for 50.
    @Test func nothingToRemoveIsBitExactAndStrengthScalesTheLevel() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = ToolRunner.sample("chelsea-noisy-s50.png")
        let original = try PNGCodec.read(path: input, maxPixels: 1 << 24)
        func run(_ name: String, _ options: [String]) throws -> StoredImage {
            let output = folder.appendingPathComponent(name).path
            let result = try ToolRunner.run("denoise", [input, output] + options + model)
            #expect(result.status == 0, "\(result.stderr)")
            return try PNGCodec.read(path: output, maxPixels: 1 << 24)
        }
        #expect(try run("sigma0.png", ["--sigma", "0"]).samples == original.samples)
        #expect(try run("strength0.png", ["--sigma", "50", "--strength", "0"]).samples == original.samples)
        let full = try run("full.png", ["--sigma", "50"]), half = try run("half.png", ["--sigma", "50", "--strength", "0.5"])
        #expect(half.samples == (try run("s25.png", ["--sigma", "25"])).samples)
        #expect(half.samples != full.samples && half.samples != original.samples)
    }

    /// `--quiet` prints nothing on success; `--version` names the release and every preset's training step.
    @Test func quietAndVersion() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let quiet = try ToolRunner.run("denoise", [ToolRunner.sample("astronaut-noisy-s25.png"), folder.appendingPathComponent("o.png").path,
                                                   "--quiet"] + model)
        #expect(quiet.status == 0 && quiet.stderr.isEmpty && quiet.stdout.isEmpty, "\(quiet.stderr)")
        // Nothing from the libraries either, for formats whose metadata readers find nothing to read.
        for fixture in ["camera-32x24.bmp", "camera-32x24-gray16.tif", "astronaut-41x31.jpg"] {
            let other = try ToolRunner.run("denoise", [ToolRunner.repo.appendingPathComponent("Tests/CodecTests/Fixtures/\(fixture)").path,
                                                       folder.appendingPathComponent("o.png").path, "--quiet", "--force"] + model)
            #expect(other.status == 0 && other.stderr.isEmpty, "\(fixture): \(other.stderr)")
        }
        for tool in ["denoise", "denoise-video"] {
            let version = try ToolRunner.run(tool, ["--version"])
            #expect(version.status == 0 && version.stdout.contains("quality step ") && version.stdout.contains("fast step "),
                    "\(version.stdout)")
        }
    }

    @Test func blindModePrintsTheEstimate() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ToolRunner.run("denoise", [ToolRunner.sample("astronaut-noisy-s25.png"), folder.appendingPathComponent("o.png").path] + model)
        #expect(result.status == 0)
        #expect(result.stderr.contains("estimated noise level: sigma"))
    }

    /// Real phone noise (Samples/phone-noisy.png) reads as correlated, so blind mode suggests the camera-noise
    /// preset (`real` for a weight file in `denoise`); a run with that preset (or on white noise) gets no hint.
    @Test func blindModeSuggestsTheCameraNoisePresetForPhoneNoise() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let phone = ToolRunner.sample("phone-noisy.png"), output = folder.appendingPathComponent("o.png").path
        let suggested = try ToolRunner.run("denoise", [phone, output] + model)
        #expect(suggested.status == 0, "\(suggested.stderr)")
        #expect(suggested.stderr.contains("correlated noise") && suggested.stderr.contains("--model real is"), "\(suggested.stderr)")
        let withPreset = try ToolRunner.run("denoise", [phone, output, "--force", "--model", "real"])
        #expect(withPreset.status == 0 && !withPreset.stderr.contains("hint"), "\(withPreset.stderr)")
        let white = try ToolRunner.run("denoise", [ToolRunner.sample("astronaut-noisy-s25.png"), output, "--force"] + model)
        #expect(white.status == 0 && !white.stderr.contains("hint"), "\(white.stderr)")
    }

    /// Without --model the blind default switches to the camera-noise preset for phone noise and to the
    /// white-noise preset for clearly white noise (sigma 25) or a given --sigma; no run prints a hint.
    /// With --model, the model given is used whatever the noise.
    @Test func blindDefaultSwitchesToTheVariantForTheNoise() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("o.png").path
        let phone = try ToolRunner.run("denoise", [ToolRunner.sample("phone-noisy.png"), output])
        #expect(phone.status == 0 && phone.stderr.contains("camera noise: using real") && !phone.stderr.contains("hint"),
                "\(phone.stderr)")
        let whiteInput = ToolRunner.sample("astronaut-noisy-s25.png")
        let white = try ToolRunner.run("denoise", [whiteInput, output, "--force"])
        #expect(white.status == 0 && white.stderr.contains("white noise: using gaussian") && !white.stderr.contains("hint"),
                "\(white.stderr)")
        let given = try ToolRunner.run("denoise", [whiteInput, output, "--force", "--sigma", "25"])
        #expect(given.status == 0 && given.stderr.contains("noise level given: using gaussian"), "\(given.stderr)")
        let chosen = try ToolRunner.run("denoise", [whiteInput, output, "--force", "--sigma", "25", "--model", "quality"])
        #expect(chosen.status == 0 && !chosen.stderr.contains("using"), "\(chosen.stderr)")
    }

    /// --self-ensemble with the bundled `fast` model: the output moves a little (mean absolute change
    /// below 0.02 of the range) and is no worse against the clean picture (tolerance 0.02 dB). A wrong
    /// inverse map would scramble the 8 averaged results and lose many dB.
    @Test func selfEnsembleIsNoWorse() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = ToolRunner.sample("camera-noisy-s25.png")
        let single = folder.appendingPathComponent("single.png").path, ensemble = folder.appendingPathComponent("ensemble.png").path
        let fast = ["--sigma", "25", "--model", "fast"]
        #expect(try ToolRunner.run("denoise", [input, single] + fast).status == 0)
        let result = try ToolRunner.run("denoise", [input, ensemble, "--self-ensemble"] + fast)
        #expect(result.status == 0, "\(result.stderr)")
        let clean = try PNGCodec.read(path: ToolRunner.sample("camera-clean.png"), maxPixels: 1 << 24)
        let a = try PNGCodec.read(path: single, maxPixels: 1 << 24), b = try PNGCodec.read(path: ensemble, maxPixels: 1 << 24)
        #expect(a.layout == b.layout && a.layout == clean.layout)
        let (x, y, reference) = (a.colorPlanes(), b.colorPlanes(), clean.colorPlanes())  // [0, 1]
        let change = zip(x.pixels, y.pixels).reduce(0.0) { $0 + Double(abs($1.0 - $1.1)) } / Double(x.pixels.count)
        #expect(change > 0 && change < 0.02, "mean absolute change \(change)")
        #expect(psnr(y, reference) >= psnr(x, reference) - 0.02,
                "single pass \(psnr(x, reference)) dB, self-ensemble \(psnr(y, reference)) dB")
    }

    /// PNG -> PNG streams rows (StreamedPNG); PNG -> TIFF decodes whole and works in place: the same
    /// samples either way, blind and with a given sigma (tolerance 0).
    @Test func streamedPNGEqualsTheWholeImagePath() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (sample, options) in [("astronaut-noisy-s25.png", ["--sigma", "25"]), ("camera-noisy-s25.png", []),
                                  ("chelsea-noisy-s50.png", ["--strength", "0.6"])] {
            let png = folder.appendingPathComponent("o.png").path, tif = folder.appendingPathComponent("o.tif").path
            for output in [png, tif] {
                let result = try ToolRunner.run("denoise", [ToolRunner.sample(sample), output, "--force"] + options + model)
                #expect(result.status == 0, "\(result.stderr)")
            }
            let streamed = try PNGCodec.read(path: png, maxPixels: 1 << 24), whole = try ImageFile.read(path: tif, maxPixels: 1 << 24)
            #expect(streamed == whole, "\(sample) \(options)")
        }
    }

    /// The pixel guard names the size, the limit and the memory a run would need; --max-megapixels moves it.
    @Test func pixelLimitStatesTheMemoryAndCanBeRaised() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("o.png").path
        let input = ToolRunner.sample("astronaut-noisy-s25.png")  // 256x256 RGB
        let refused = try ToolRunner.run("denoise", [input, output, "--sigma", "10", "--max-megapixels", "0.05"] + model)
        #expect(refused.status != 0 && refused.stderrLines.count == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("image is 256x256 pixels (0.06554 MP), over the limit of 0.05 MP; denoising it needs up to about 0.2 GB"),
                "\(refused.stderr)")
        #expect(ToolRunner.contents(folder).isEmpty)
        let allowed = try ToolRunner.run("denoise", [input, output, "--sigma", "10", "--max-megapixels", "0.07"] + model)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        let bad = try ToolRunner.run("denoise", [input, output, "--max-megapixels", "0"] + model)
        #expect(bad.status != 0 && bad.stderr.contains("--max-megapixels 0.0: out of range"), "\(bad.stderr)")
    }

    @Test func refusesToOverwriteWithoutForce() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("o.png").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: output))
        let args = [ToolRunner.sample("camera-noisy-s25.png"), output, "--sigma", "10"] + model
        let refused = try ToolRunner.run("denoise", args)
        #expect(refused.status != 0 && refused.stderrLines.count == 1 && refused.stderr.contains("already exists"))
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "keep me")
        #expect(try ToolRunner.run("denoise", args + ["--force"]).status == 0)
        #expect(try PNGCodec.read(path: output, maxPixels: 1 << 24).width == 256)
    }

    /// Interrupted runs leave no partial output.
    @Test func interruptLeavesNothing() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = folder.appendingPathComponent("big.png").path
        let (w, h) = (2000, 2000)
        try PNGCodec.write(StoredImage(width: w, height: h, layout: PixelLayout(channels: .rgb, bitDepth: 8),
                                       samples: (0..<(w * h * 3)).map { UInt16($0 % 251) }), to: big)
        // 32-pixel tiles overlapping by 12 on one thread: ~10,000 tiles, far longer than the 1 s we wait.
        let result = try ToolRunner.run("denoise", [big, folder.appendingPathComponent("out.png").path, "--sigma", "5",
                                                    "--tile", "32", "--overlap", "12", "--threads", "1"] + model,
                                        interruptAfter: 1)
        #expect(result.status == 128 + SIGINT, "the run was interrupted: \(result.stderr)")
        #expect(ToolRunner.contents(folder) == ["big.png"])
    }
}

/// Every bad input gets one line on stderr naming the file and the problem, a non-zero exit, no output.
@Suite struct DenoiseErrorTests {
    enum Input { case missing, directory, fifo, symlinkLoop, bytes(Data), sample(String) }

    static let png = try! Data(contentsOf: URL(fileURLWithPath: ToolRunner.sample("astronaut-clean.png")))
    static var badCRC: Data { var d = png; d[d.count / 2] ^= 0xFF; return d }
    static func header(width: UInt32, height: UInt32, depth: UInt8) -> Data {
        var ihdr = Data("IHDR".utf8)
        for v in [width, height] { ihdr += withUnsafeBytes(of: v.bigEndian) { Data($0) } }
        ihdr += Data([depth, 2, 0, 0, 0])
        return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) + ihdr + Data([0, 0, 0, 0])
    }

    static let cases: [(String, Input, [String], String)] = [
        ("missing file", .missing, [], "no such file"),
        ("directory", .directory, [], "is a directory"),
        ("empty file", .bytes(Data()), [], "file is empty"),
        ("not an image", .bytes(Data("just some text, no pixels here\n".utf8)), [], "cannot decode"),
        ("truncated PNG", .bytes(png.prefix(png.count / 2)), [], "corrupt PNG"),
        ("bad CRC", .bytes(badCRC), [], "corrupt PNG"),
        ("huge header", .bytes(header(width: 100_000, height: 100_000, depth: 8)), [], "100000x100000"),
        ("unsupported bit depth", .bytes(header(width: 8, height: 8, depth: 5)), [], "unsupported bit depth 5"),
        ("unknown model", .sample("camera-noisy-s25.png"), ["--model", "no-such-model"], "unknown model"),
        ("corrupt weights", .sample("camera-noisy-s25.png"), ["--model", "WEIGHTS"], "header length"),
        ("sigma out of range", .sample("camera-noisy-s25.png"), ["--sigma", "300"], "out of range"),
        ("negative sigma", .sample("camera-noisy-s25.png"), ["--sigma=-4"], "out of range"),
        ("negative sigma as its own word", .sample("camera-noisy-s25.png"), ["--sigma", "-3", "--model", ToolRunner.fixtureModel],
         "--sigma -3.0: out of range"),
        ("overlap near the tile", .sample("camera-noisy-s25.png"), ["--tile", "32", "--overlap", "30", "--model", ToolRunner.fixtureModel],
         "--overlap 30: must be at least 0 and below half of --tile 32"),
        ("FIFO", .fifo, [], "is a FIFO (named pipe), not a regular file"),
        ("symbolic link loop", .symlinkLoop, [], "symbolic link loop"),
    ]

    @Test(arguments: cases.map(\.0))
    func badInput(name: String) throws {
        let (_, kind, extra, expected) = Self.cases.first { $0.0 == name }!
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input: String
        switch kind {
        case .missing: input = folder.appendingPathComponent("nope.png").path
        case .directory: input = folder.appendingPathComponent("dir.png").path
            try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: false)
        case .bytes(let data): input = folder.appendingPathComponent("in.png").path
            try data.write(to: URL(fileURLWithPath: input))
        case .sample(let sample): input = ToolRunner.sample(sample)
        case .fifo: input = folder.appendingPathComponent("pipe.png").path
            #expect(mkfifo(input, 0o600) == 0)
        case .symlinkLoop: input = folder.appendingPathComponent("loop.png").path
            try FileManager.default.createSymbolicLink(atPath: input, withDestinationPath: input)
        }
        let weights = folder.appendingPathComponent("broken.safetensors").path
        try Data([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 1, 2, 3]).write(to: URL(fileURLWithPath: weights))
        let arguments = (extra.isEmpty ? ["--model", ToolRunner.fixtureModel] : extra).map { $0 == "WEIGHTS" ? weights : $0 }
        let before = ToolRunner.contents(folder)
        let result = try ToolRunner.run("denoise", [input, folder.appendingPathComponent("out.png").path] + arguments)
        #expect(result.status != 0)
        #expect(result.stderrLines.count == 1, "one line: \(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && result.status < 128, "no crash")
        #expect(ToolRunner.contents(folder) == before, "no output or temporary file left")
    }

    /// A read-only output folder. Root ignores permission bits, so there the folder would be writable.
    @Test(.enabled(if: getuid() != 0, "running as root: permission bits do not stop root from writing"))
    func unwritableOutputFolder() throws {
        let folder = try ToolRunner.folder()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
            try? FileManager.default.removeItem(at: folder)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: folder.path)
        let result = try ToolRunner.run("denoise", [ToolRunner.sample("camera-noisy-s25.png"), folder.appendingPathComponent("out.png").path,
                                                    "--model", ToolRunner.fixtureModel])
        #expect(result.status != 0 && result.stderrLines.count == 1 && result.stderr.contains("not writable"), "\(result.stderr)")
    }

    @Test func outputIsTheInput() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.png").path
        try Self.png.write(to: URL(fileURLWithPath: path))
        let result = try ToolRunner.run("denoise", [path, path, "--force", "--model", ToolRunner.fixtureModel])
        #expect(result.status != 0 && result.stderr.contains("never overwritten"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Self.png)
    }

    /// A small --tile alone is not blamed on the overlap the user never gave: the default shrinks with it.
    @Test func smallTileTakesASmallerDefaultOverlap() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ToolRunner.run("denoise", [ToolRunner.sample("camera-noisy-s25.png"), folder.appendingPathComponent("out.png").path,
                                                    "--sigma", "25", "--tile", "16", "--model", ToolRunner.fixtureModel])
        #expect(!result.stderr.contains("--overlap"), "\(result.stderr)")
    }

    /// An output name too long for the temporary file fails before any work, naming the output.
    @Test func outputNameTooLongForTheTemporaryFile() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent(String(repeating: "n", count: 245) + ".png").path
        let result = try ToolRunner.run("denoise", [ToolRunner.sample("camera-noisy-s25.png"), output, "--model", ToolRunner.fixtureModel])
        #expect(result.status == 1 && result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("file name is 249 bytes"), "\(result.stderr)")
        #expect(ToolRunner.contents(folder).isEmpty)
    }

    /// `--` ends the options, so a file whose name begins with a dash is a file.
    @Test func fileNamedWithADash() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("-x.png").path, output = folder.appendingPathComponent("-y.png").path
        try Self.png.write(to: URL(fileURLWithPath: input))
        let result = try ToolRunner.run("denoise", ["--model", ToolRunner.fixtureModel, "--sigma", "10", "--", "-x.png", "-y.png"],
                                        directory: folder.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: output))
    }
}
