import Engine
import Foundation
import Testing
@testable import Evaluation

/// The denoise-eval executable as a user runs it.
@Suite struct CommandTests {
    static var tool: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("denoise-eval")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return Fixtures.repo.appendingPathComponent(".build/debug/denoise-eval")
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stderr)
    }

    @Test func gaussianWritesJSONMarkdownAndImages() throws {
        let folder = try Fixtures.folder(), out = try Fixtures.folder()
        try Fixtures.writeImage(folder + "/x.png", width: 30, height: 20, channels: 3)
        let result = try Self.run(["gaussian", "--dataset", folder, "--sigma", "25", "--model", Fixtures.tinyModel, "--tile", "32",
                                   "--overlap", "8", "--json", out + "/r/g.json", "--markdown", out + "/r/g.md", "--save-dir", out + "/img"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try EvaluationReport.read(path: out + "/r/g.json")
        #expect(report.runs.count == 1 && report.runs[0].items.map(\.name) == ["x"] && report.tile == 32)
        #expect(try String(contentsOfFile: out + "/r/g.md", encoding: .utf8).contains("| 25 |"))
        #expect(FileManager.default.fileExists(atPath: out + "/img/sigma25/x.png"))
        #expect(result.stderr.contains("[1/1] x: sigma 25"))

        let merged = try Self.run(["merge", out + "/r/g.json", "--json", out + "/m.json"])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try EvaluationReport.read(path: out + "/m.json").runs == report.runs)
    }

    /// The report records the precision of the matrix products: by default the fastest the CPU runs
    /// (int8 with AVX2 or better, else float32: absent), absent with --float32, as
    /// asked with --precision;
    /// shards of different precisions do not merge; --float32 against another --precision is one error line.
    @Test func reportsRecordThePrecision() throws {
        let folder = try Fixtures.folder(), out = try Fixtures.folder()
        try Fixtures.writeImage(folder + "/x.png", width: 30, height: 20, channels: 3)
        let common = ["gaussian", "--dataset", folder, "--sigma", "25", "--model", Fixtures.tinyModel, "--tile", "32", "--overlap", "8"]
        #expect(try Self.run(common + ["--json", out + "/default.json", "--markdown", out + "/default.md"]).status == 0)
        #expect(try Self.run(common + ["--float32", "--json", out + "/float32.json"]).status == 0)
        // The tool runs the best build this CPU has; every CPU with AVX-512 BF16 has AVX2 too.
        let expected: String? = MatrixPrecision.int8Supported ? "int8" : nil
        #expect(try EvaluationReport.read(path: out + "/default.json").precision == expected)
        #expect(try EvaluationReport.read(path: out + "/float32.json").precision == nil)
        #expect(try String(contentsOfFile: out + "/default.md", encoding: .utf8)
            .contains("matrix products in \(expected ?? "float32")"))
        if expected != nil {
            let merged = try Self.run(["merge", out + "/default.json", out + "/float32.json", "--json", out + "/m.json"])
            #expect(merged.status != 0 && merged.stderr.contains("precision float32 differs"), "\(merged.stderr)")
        }
        if MatrixPrecision.int8Supported {
            #expect(try Self.run(common + ["--precision", "int8", "--json", out + "/int8.json"]).status == 0)
            #expect(try EvaluationReport.read(path: out + "/int8.json").precision == "int8")
        }
        let contradiction = try Self.run(common + ["--float32", "--precision", "int8"])
        #expect(contradiction.status != 0 && contradiction.stderr.contains("--float32: contradicts --precision int8"),
                "\(contradiction.stderr)")
        if KernelBuild.supported.contains(.avx2) {  // the portable build has no int8 vector kernel
            let portable = try Self.run(common + ["--kernels", "portable", "--precision", "int8"])
            #expect(portable.status != 0 && portable.stderr.contains("--precision int8: needs a CPU with AVX2"), "\(portable.stderr)")
        }
    }

    /// Three processes standing in for the array tasks of a scheduler (Scripts/cluster/eval-sweep.sh):
    /// shards K/3, then merge, give the single run's items and means (speed aside).
    @Test func shardProcessesMergeToTheSingleRun() throws {
        let folder = try Fixtures.folder(), out = try Fixtures.folder()
        for (k, size) in [(30, 20), (25, 25), (40, 16), (17, 33), (21, 21)].enumerated() {
            try Fixtures.writeImage(folder + "/img\(k).png", width: size.0, height: size.1, channels: 3)
        }
        let common = ["gaussian", "--dataset", folder, "--sigma", "15,25", "--model", Fixtures.tinyModel, "--tile", "32",
                      "--overlap", "8", "--threads", "1"]
        #expect(try Self.run(common + ["--json", out + "/single.json"]).status == 0)
        for k in 0..<3 {
            let shard = try Self.run(common + ["--shard", "\(k)/3", "--json", out + "/s\(k).json"])
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        let merged = try Self.run(["merge", out + "/s0.json", out + "/s1.json", out + "/s2.json", "--json", out + "/m.json"])
        #expect(merged.status == 0, "\(merged.stderr)")
        let single = try EvaluationReport.read(path: out + "/single.json"), joined = try EvaluationReport.read(path: out + "/m.json")
        #expect(joined.runs.map(\.sigma) == single.runs.map(\.sigma))
        for (a, b) in zip(joined.runs, single.runs) {
            #expect(a.psnr == b.psnr && a.ssim == b.ssim, "sigma \(a.sigma): means")
            #expect(a.items.map(\.name) == b.items.map(\.name) && a.items.map(\.psnr) == b.items.map(\.psnr))
        }
    }

    /// --clipped: the noisy input is clipped and rounded to 8 bits; the report and its table say so, and
    /// the scores differ from the unclipped run on the same seeds.
    @Test func clippedNoiseIsRecorded() throws {
        let folder = try Fixtures.folder(), out = try Fixtures.folder()
        try Fixtures.writeImage(folder + "/x.png", width: 30, height: 20, channels: 3)
        let common = ["gaussian", "--dataset", folder, "--sigma", "50", "--model", Fixtures.tinyModel, "--tile", "32", "--overlap", "8"]
        #expect(try Self.run(common + ["--clipped", "--json", out + "/c.json", "--markdown", out + "/c.md"]).status == 0)
        #expect(try Self.run(common + ["--json", out + "/u.json"]).status == 0)
        let clipped = try EvaluationReport.read(path: out + "/c.json"), plain = try EvaluationReport.read(path: out + "/u.json")
        #expect(clipped.clipped == true && plain.clipped == nil)
        #expect(try String(contentsOfFile: out + "/c.md", encoding: .utf8).contains("clipped and rounded to 8 bits"))
        #expect(clipped.runs[0].items[0].psnr != plain.runs[0].items[0].psnr)
    }

    /// Bad input: one line naming the path and the problem, a non-zero exit, no crash.
    @Test func errorsAreOneLine() throws {
        let empty = try Fixtures.folder()
        let cases: [([String], String)] = [
            (["gaussian", "--dataset", empty + "/missing"], empty + "/missing: no such folder"),
            (["gaussian", "--dataset", empty], empty + ": no images"),
            (["gaussian", "--dataset", empty, "--sigma", "1000"], "--sigma 1000: expected comma-separated"),
            (["gaussian", "--dataset", empty, "--shard", "2/2"], "--shard 2/2: expected K/N"),
            (["sidd", "--noisy", Fixtures.path("double.mat"), "--gt", Fixtures.path("blocks-gt.mat"), "--model", Fixtures.tinyModel],
             "expected uint8 image blocks"),
            (["sidd", "--noisy", Fixtures.path("blocks-compressed.mat"), "--gt", Fixtures.path("four-channels.mat")],
             "has shape [4][4][4]"),
            (["sidd", "--noisy", Fixtures.path("blocks-compressed.mat"), "--gt", Fixtures.path("single-block.mat"), "--model", Fixtures.tinyModel,
              "--tile", "32", "--overlap", "8"], "single-block.mat: holds 1x1 blocks"),
            (["sidd", "--dir", empty], "expected input/ (noisy) and groundtruth/ (clean) folders"),
            (["sidd", "--dir", empty, "--noisy", "x.mat"], "give either --noisy A.mat --gt B.mat, or --dir DIR"),
            (["davis", "--root", empty], "no sequence folders"),
            (["merge", empty + "/none.json", "--json", empty + "/m.json"], "none.json: no such file"),
        ]
        for (arguments, expected) in cases {
            let result = try Self.run(arguments)
            let lines = result.stderr.split(separator: "\n")
            #expect(result.status != 0 && result.status < 128, "\(arguments): \(result.stderr)")
            #expect(lines.count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        }
    }
}
