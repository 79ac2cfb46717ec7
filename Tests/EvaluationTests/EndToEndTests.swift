import Batching
import Codec
import Foundation
import Imaging
import Metrics
import Testing
@testable import Evaluation

/// Whole evaluations with the tiny fixture model on images written to a temporary folder.
@Suite struct EndToEndTests {
    static func dataset(channels: Int) throws -> String {
        let folder = try Fixtures.folder()
        try Fixtures.writeImage(folder + "/b.png", width: 40, height: 30, channels: channels, phase: 1)
        try Fixtures.writeImage(folder + "/a.png", width: 24, height: 36, channels: channels)
        try Fixtures.writeImage(folder + "/c.png", width: 33, height: 17, channels: channels, phase: 2)
        return folder
    }

    @Test(arguments: [3, 1])
    func gaussianScoresEveryImageAtEverySigma(channels: Int) throws {
        let folder = try Self.dataset(channels: channels), save = try Fixtures.folder()
        let evaluator = try Fixtures.evaluator()
        evaluator.saveDirectory = save
        var lines: [String] = []
        evaluator.log = { lines.append($0) }
        let report = try evaluator.gaussian(dataset: folder, sigmas: [15, 50])
        #expect(report.task == "gaussian" && report.seed == 0 && !report.blind && report.shard == nil)
        #expect(report.runs.map(\.sigma) == [15, 50])
        for run in report.runs {
            #expect(run.items.map(\.name) == ["a", "b", "c"])
            #expect(run.items.allSatisfy { $0.psnr.isFinite && $0.psnr > 5 && $0.ssim != nil && $0.seconds > 0 })
            #expect(abs(run.psnr - run.items.map(\.psnr).reduce(0, +) / 3) < 1e-9)
            #expect(run.megapixelsPerSecond > 0)
        }
        #expect(lines.count == 3 && lines[0].hasPrefix("[1/3] a: sigma 15 "))

        // The saved output is 16-bit; rounded to 8 bits it scores exactly what the report says.
        let saved = try PNGCodec.read(path: save + "/sigma50/b.png", maxPixels: 1 << 20)
        #expect(saved.layout == PixelLayout(channels: channels == 1 ? .gray : .rgb, bitDepth: 16))
        let clean = try PNGCodec.read(path: folder + "/b.png", maxPixels: 1 << 20).colorPlanes()
        let rescored = score(output: saved.colorPlanes(), clean: clean, maxValue: 255)
        #expect(abs(rescored.psnr - report.runs[1].items[1].psnr) < 1e-9)
    }

    /// The same seed reproduces the same numbers; shards see the noise a full run sees, so merging
    /// them gives the full run's scores.
    @Test func shardsMergeToTheFullRun() throws {
        let folder = try Self.dataset(channels: 3)
        let full = try Fixtures.evaluator().gaussian(dataset: folder, sigmas: [25])
        let again = try Fixtures.evaluator().gaussian(dataset: folder, sigmas: [25])
        #expect(full.runs[0].items.map(\.psnr) == again.runs[0].items.map(\.psnr))

        var shards: [(path: String, report: EvaluationReport)] = []
        for k in 0..<2 {
            let evaluator = try Fixtures.evaluator()
            evaluator.shard = Shard(index: k, count: 2)
            let report = try evaluator.gaussian(dataset: folder, sigmas: [25])
            #expect(report.shard == "\(k)/2")
            shards.append(("\(k).json", try EvaluationReport.decode(report.jsonData(), file: "\(k).json")))
        }
        #expect(shards[0].report.runs[0].items.map(\.name) == ["a", "c"])
        let merged = try ReportMerge.merge(shards)
        #expect(merged.runs[0].items.map(\.name) == full.runs[0].items.map(\.name))
        #expect(merged.runs[0].items.map(\.psnr) == full.runs[0].items.map(\.psnr))
        #expect(merged.runs[0].items.map(\.ssim) == full.runs[0].items.map(\.ssim))
        #expect(abs(merged.runs[0].psnr - full.runs[0].psnr) < 1e-12)

        let otherSeed = try Fixtures.evaluator()
        otherSeed.seed = 1
        #expect(try otherSeed.gaussian(dataset: folder, sigmas: [25]).runs[0].items.map(\.psnr) != full.runs[0].items.map(\.psnr))
    }

    @Test func blindRecordsTheEstimate() throws {
        let folder = try Fixtures.folder()
        try Fixtures.writeImage(folder + "/big.png", width: 96, height: 96, channels: 3)
        let evaluator = try Fixtures.evaluator()
        evaluator.blind = true
        let report = try evaluator.gaussian(dataset: folder, sigmas: [50])
        #expect(report.blind)
        let estimate = try #require(report.runs[0].items[0].sigmaEstimate)
        #expect(abs(estimate - 50) < 5, "estimated \(estimate)")
    }

    @Test func siddFromMatFiles() throws {
        let save = try Fixtures.folder()
        let evaluator = try Fixtures.evaluator()
        evaluator.saveDirectory = save
        evaluator.shard = Shard(index: 1, count: 2)
        let report = try evaluator.sidd(noisyMat: Fixtures.path("blocks-compressed.mat"), cleanMat: Fixtures.path("blocks-gt.mat"))
        #expect(report.task == "sidd" && report.blind && report.seed == nil && report.runs.count == 1 && report.runs[0].sigma == nil)
        #expect(report.source == Fixtures.path("blocks-compressed.mat") && report.reference == Fixtures.path("blocks-gt.mat"))
        #expect(report.dataset == "Fixtures/blocks-compressed.mat")
        #expect(report.runs[0].items.map(\.name) == ["0000-0001", "0001-0000", "0001-0002"])
        #expect(report.runs[0].items.allSatisfy { $0.sigmaEstimate != nil && $0.psnr.isFinite })
        #expect(FileManager.default.fileExists(atPath: save + "/0001-0000.png"))
    }

    @Test func siddRefusesMismatchedFiles() throws {
        let evaluator = try Fixtures.evaluator()
        let error = evaluationError { _ = try evaluator.sidd(noisyMat: Fixtures.path("blocks-compressed.mat"), cleanMat: Fixtures.path("single-block.mat")) }
        #expect(error?.subject == Fixtures.path("single-block.mat") && error?.problem.contains("holds 1x1 blocks") == true)
        let wrongType = evaluationError { _ = try evaluator.sidd(noisyMat: Fixtures.path("double.mat"), cleanMat: Fixtures.path("blocks-gt.mat")) }
        #expect(wrongType?.description.contains("expected uint8") == true)
    }

    @Test func siddFromAFolderOfPairs() throws {
        let folder = try Fixtures.folder()
        try Fixtures.writeImage(folder + "/input/0000-0000.png", width: 20, height: 20, channels: 3, phase: 0.3)
        try Fixtures.writeImage(folder + "/groundtruth/0000-0000.png", width: 20, height: 20, channels: 3)
        let evaluator = try Fixtures.evaluator()
        let report = try evaluator.sidd(directory: folder)
        #expect(report.runs[0].items.map(\.name) == ["0000-0000"])

        try Fixtures.writeImage(folder + "/input/0000-0001.png", width: 20, height: 20, channels: 3)
        try Fixtures.writeImage(folder + "/groundtruth/0000-0001.png", width: 20, height: 16, channels: 3)
        let error = evaluationError { _ = try evaluator.sidd(directory: folder) }
        #expect(error?.subject == folder + "/groundtruth/0000-0001.png" && error?.problem.contains("is 20x16") == true, "\(String(describing: error))")
    }

    @Test func davisAveragesFramesPerSequence() throws {
        let root = try Fixtures.folder(), save = try Fixtures.folder()
        for (seq, frames) in [("bear", 3), ("cows", 2)] {
            for f in 0..<frames {
                try Fixtures.writeImage(String(format: "%@/JPEGImages/480p/%@/%05d.png", root, seq, f), width: 24, height: 20, channels: 3, phase: Double(f))
            }
        }
        let evaluator = try Fixtures.evaluator()
        evaluator.saveDirectory = save
        let report = try evaluator.davis(root: root, sigmas: [10, 30], frames: 2)
        #expect(report.task == "davis" && report.runs.map(\.sigma) == [10, 30])
        let run = report.runs[1]
        #expect(run.items.map(\.name) == ["bear", "cows"])
        #expect(run.items.map { $0.frames?.map(\.name) ?? [] } == [["00000", "00001"], ["00000", "00001"]])
        let bear = run.items[0]
        #expect(abs(bear.psnr - (bear.frames![0].psnr + bear.frames![1].psnr) / 2) < 1e-9)
        #expect(abs(run.psnr - (run.items[0].psnr + run.items[1].psnr) / 2) < 1e-9)
        #expect((run.framesPerSecond ?? 0) > 0)
        #expect(FileManager.default.fileExists(atPath: save + "/sigma30/cows/00001.png"))
    }
}
