import Foundation
import Testing
@testable import Evaluation

@Suite struct ReportTests {
    static func item(_ name: String, _ psnr: Double, _ ssim: Double?, seconds: Double = 1, megapixels: Double = 0.5) -> EvaluationItem {
        EvaluationItem(name: name, psnr: psnr, ssim: ssim, seconds: seconds, megapixels: megapixels)
    }

    static func report(shard: String?, runs: [EvaluationRun], sha: String = "abc") -> EvaluationReport {
        EvaluationReport(task: "gaussian", dataset: "CBSD68", source: "/data/CBSD68", model: ModelIdentity(name: "fast", sha256: sha),
                         seed: 0, blind: false, shard: shard, tile: 128, overlap: 32, threads: 2, runs: runs)
    }

    @Test func runMeansComeFromItems() {
        let run = EvaluationRun(sigma: 25, items: [Self.item("a", 30, 0.8, seconds: 1), Self.item("b", 32, nil, seconds: 3)])
        #expect(run.psnr == 31)
        #expect(run.ssim == 0.8)  // items without SSIM (too small) are left out of its mean
        #expect(run.megapixelsPerSecond == 0.25)  // 1 MP over 4 s
        #expect(run.framesPerSecond == nil)
    }

    @Test func sequenceMeansComeFromFrames() {
        let frames = [FrameScore(name: "00000", psnr: 30, ssim: 0.8, seconds: 0.5), FrameScore(name: "00001", psnr: 34, ssim: 0.9, seconds: 1.5)]
        let sequence = EvaluationItem(sequence: "bear", frames: frames, megapixels: 0.8)
        #expect(sequence.psnr == 32 && abs(sequence.ssim! - 0.85) < 1e-12 && sequence.seconds == 2)
        let run = EvaluationRun(sigma: 30, items: [sequence, EvaluationItem(sequence: "cows", frames: [frames[0]], megapixels: 0.4)])
        #expect(run.psnr == 31)  // mean of sequence means (32, 30), not of the three frames
        #expect(run.framesPerSecond == 3 / 2.5)
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let real = EvaluationReport(task: "sidd", dataset: "val", source: "v", model: ModelIdentity(name: "fast", sha256: "abc"),
                                    seed: nil, blind: true, shard: nil, tile: 128, overlap: 32, threads: 2,
                                    runs: [EvaluationRun(sigma: nil, items: [Self.item("0000-0000", .infinity, nil)])])
        let json = try JSONSerialization.jsonObject(with: real.jsonData()) as! [String: Any]
        #expect((json["model"] as! [String: Any])["sha256"] as? String == "abc")
        #expect(json["seed"] is NSNull)
        let run = (json["runs"] as! [[String: Any]])[0]
        #expect(run["sigma"] is NSNull)
        #expect(run["megapixels_per_second"] is NSNumber)
        let item = (run["items"] as! [[String: Any]])[0]
        #expect(item["ssim"] is NSNull && item["psnr"] as? String == "inf")
        #expect(try EvaluationReport.decode(real.jsonData(), file: "x") == real)
    }

    @Test func mergeRecomputesMeansFromShards() throws {
        let a = Self.report(shard: "0/2", runs: [EvaluationRun(sigma: 15, items: [Self.item("01", 30, 0.8), Self.item("03", 34, 0.9)]),
                                                  EvaluationRun(sigma: 25, items: [Self.item("01", 28, 0.7), Self.item("03", 31, 0.8)])])
        let b = Self.report(shard: "1/2", runs: [EvaluationRun(sigma: 15, items: [Self.item("02", 26, 0.6)]),
                                                  EvaluationRun(sigma: 25, items: [Self.item("02", 25, 0.5)])])
        let merged = try ReportMerge.merge([("a.json", a), ("b.json", b)])
        #expect(merged.shard == nil)
        #expect(merged.runs.map(\.sigma) == [15, 25])
        #expect(merged.runs[0].items.map(\.name) == ["01", "02", "03"])
        #expect(merged.runs[0].psnr == 30)  // (30 + 26 + 34) / 3, not the mean of the shard means
        #expect(abs(merged.runs[1].ssim! - 2.0 / 3) < 1e-12)
        let full = Self.report(shard: nil, runs: merged.runs.map { EvaluationRun(sigma: $0.sigma, items: $0.items) })
        #expect(merged == full)
    }

    @Test func mergeRefusesOverlapsAndMismatches() {
        let a = Self.report(shard: "0/2", runs: [EvaluationRun(sigma: 15, items: [Self.item("01", 30, 0.8)])])
        let overlap = evaluationError { _ = try ReportMerge.merge([("a.json", a), ("b.json", a)]) }
        #expect(overlap?.description.contains("item 01 (sigma 15) is also in a.json") == true, "\(String(describing: overlap))")
        let other = Self.report(shard: "1/2", runs: [], sha: "def")
        let mismatch = evaluationError { _ = try ReportMerge.merge([("a.json", a), ("c.json", other)]) }
        #expect(mismatch?.subject == "c.json" && mismatch?.problem.contains("model def differs") == true)
        #expect(evaluationError { _ = try ReportMerge.merge([]) } != nil)
    }

    /// Self-ensemble results say so in JSON, Markdown and merges; single-pass files keep their old shape.
    @Test func selfEnsembleIsRecorded() throws {
        let runs = [EvaluationRun(sigma: 25, items: [Self.item("01", 30, 0.8)])]
        let plain = Self.report(shard: "0/2", runs: runs)
        var ensemble = Self.report(shard: "1/2", runs: [EvaluationRun(sigma: 25, items: [Self.item("02", 31, 0.8)])])
        ensemble.selfEnsemble = true
        let plainJSON = try JSONSerialization.jsonObject(with: plain.jsonData()) as! [String: Any]
        #expect(plainJSON["self_ensemble"] == nil)
        let json = try JSONSerialization.jsonObject(with: ensemble.jsonData()) as! [String: Any]
        #expect(json["self_ensemble"] as? Bool == true)
        #expect(try EvaluationReport.decode(ensemble.jsonData(), file: "x") == ensemble)
        #expect(MarkdownReport.render(ensemble).contains("x8 self-ensemble") && !MarkdownReport.render(plain).contains("ensemble"))
        let mismatch = evaluationError { _ = try ReportMerge.merge([("a.json", plain), ("b.json", ensemble)]) }
        #expect(mismatch?.problem.contains("self-ensemble true differs") == true, "\(String(describing: mismatch))")
    }

    @Test func markdownHasSummaryAndItems() {
        let report = Self.report(shard: nil, runs: [EvaluationRun(sigma: 25, items: [Self.item("01", 30.123, 0.81234)])])
        let text = MarkdownReport.render(report)
        #expect(text.contains("| 25 | 30.12 | 0.8123 | 1 | 0.500 |"))
        #expect(text.contains("## sigma 25") && text.contains("| 01 | 30.12 | 0.8123 | 1.00 |"))
        #expect(MarkdownReport.sigmaText(12.5) == "12.5" && MarkdownReport.sigmaText(nil) == "real")
    }
}
