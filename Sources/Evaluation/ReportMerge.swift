/// Joins the result files of shards (`--shard K/N`) of one evaluation into the report a single run
/// would have written: items pooled per sigma, sorted by name, means recomputed.
public enum ReportMerge {
    public static func merge(_ inputs: [(path: String, report: EvaluationReport)]) throws -> EvaluationReport {
        guard let (firstPath, first) = inputs.first else { throw EvaluationError("merge", "no result files given") }
        var itemsBySigma: [Double?: [EvaluationItem]] = [:]
        var sigmaOrder: [Double?] = []
        var owner: [String: String] = [:]  // "sigma/name" -> file, to catch overlapping shards
        for (path, report) in inputs {
            for (what, a, b) in [("task", report.task, first.task), ("dataset", report.dataset, first.dataset),
                                 ("model", report.model.sha256, first.model.sha256),
                                 ("seed", report.seed.map(String.init) ?? "none", first.seed.map(String.init) ?? "none"),
                                 ("blind", String(report.blind), String(first.blind)),
                                 ("self-ensemble", String(report.selfEnsemble ?? false), String(first.selfEnsemble ?? false)),
                                 ("clipped noise", String(report.clipped ?? false), String(first.clipped ?? false)),
                                 ("precision", report.precision ?? "float32", first.precision ?? "float32")] where a != b {
                throw EvaluationError(path, "\(what) \(a) differs from \(firstPath) (\(b)); only shards of one evaluation merge")
            }
            for run in report.runs {
                if itemsBySigma[run.sigma] == nil { sigmaOrder.append(run.sigma) }
                for item in run.items {
                    let key = "\(MarkdownReport.sigmaText(run.sigma))/\(item.name)"
                    if let other = owner[key] {
                        throw EvaluationError(path, "item \(item.name) (sigma \(MarkdownReport.sigmaText(run.sigma))) is also in \(other); shards overlap")
                    }
                    owner[key] = path
                    itemsBySigma[run.sigma, default: []].append(item)
                }
            }
        }
        var merged = first
        merged.shard = nil
        merged.runs = sigmaOrder.map { sigma in
            EvaluationRun(sigma: sigma, items: itemsBySigma[sigma]!.sorted { $0.name < $1.name })
        }
        return merged
    }
}
