import Foundation

/// A result file as Markdown: a summary table per noise level, then one table of items per level.
public enum MarkdownReport {
    public static func render(_ report: EvaluationReport) -> String {
        let video = report.task == "davis"
        var lines: [String] = []
        lines.append("# \(report.task) evaluation: \(report.dataset)")
        lines.append("")
        let noise = report.seed.map { "synthetic AWGN (\(report.clipped == true ? "clipped and rounded to 8 bits" : "not clipped")), seed \($0)" } ?? "real noise"
        lines.append("- model: `\(report.model.name)` (sha256 `\(report.model.sha256.prefix(16))`)")
        lines.append("- source: `\(report.source)`")
        lines.append("- noise: \(noise); \(report.blind ? "blind (sigma estimated per \(video ? "frame" : "item"))" : "non-blind (true sigma given)")")
        lines.append("- tiles: \(report.tile) px, overlap \(report.overlap), \(report.threads) threads"
                     + (report.selfEnsemble == true ? "; x8 self-ensemble (flips and rotations)" : "") + (report.shard.map { "; shard \($0)" } ?? "")
                     + "; matrix products in \(report.precision ?? "float32")")
        lines.append("- PSNR (dB) and SSIM on the 8-bit rounded output; " +
                     (video ? "per-frame values averaged per sequence, then over sequences; flicker: mean |output change - clean change| between consecutive frames, in 8-bit levels" : "mean over \(report.task == "sidd" ? "blocks" : "images")"))
        lines.append("")
        lines.append(video ? "| sigma | PSNR | SSIM | flicker | sequences | frames | frames/s | MP/s |" : "| sigma | PSNR | SSIM | items | MP/s |")
        lines.append(video ? "|---:|---:|---:|---:|---:|---:|---:|---:|" : "|---:|---:|---:|---:|---:|")
        for run in report.runs {
            let frames = run.items.reduce(0) { $0 + ($1.frames?.count ?? 0) }
            lines.append(video
                ? "| \(sigmaText(run.sigma)) | \(f(run.psnr, 2)) | \(f(run.ssim, 4)) | \(f(run.flicker, 3)) | \(run.items.count) | \(frames) | \(f(run.framesPerSecond, 2)) | \(f(run.megapixelsPerSecond, 3)) |"
                : "| \(sigmaText(run.sigma)) | \(f(run.psnr, 2)) | \(f(run.ssim, 4)) | \(run.items.count) | \(f(run.megapixelsPerSecond, 3)) |")
        }
        for run in report.runs {
            lines.append("")
            lines.append("## \(run.sigma == nil ? "Items" : "sigma \(sigmaText(run.sigma))")")
            lines.append("")
            let blind = run.items.contains { $0.sigmaEstimate != nil }
            lines.append("| \(video ? "sequence" : "item") | PSNR | SSIM | seconds |" + (video ? " flicker | frames |" : "") + (blind ? " estimated sigma |" : ""))
            lines.append("|---|---:|---:|---:|" + (video ? "---:|---:|" : "") + (blind ? "---:|" : ""))
            for item in run.items {
                var row = "| \(item.name) | \(f(item.psnr, 2)) | \(f(item.ssim, 4)) | \(f(item.seconds, 2)) |"
                if video { row += " \(f(item.flicker, 3)) | \(item.frames?.count ?? 0) |" }
                if blind { row += " \(f(item.sigmaEstimate, 1)) |" }
                lines.append(row)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "25", "12.5", or "real" for real noise.
    public static func sigmaText(_ sigma: Double?) -> String {
        guard let sigma else { return "real" }
        return sigma == sigma.rounded() ? String(Int(sigma)) : String(sigma)
    }

    static func f(_ value: Double?, _ digits: Int) -> String {
        guard let value else { return "-" }
        return value.isFinite ? String(format: "%.\(digits)f", value) : String(describing: value)
    }
}
