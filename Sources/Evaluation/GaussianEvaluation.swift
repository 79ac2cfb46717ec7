import Codec
import Foundation
import Imaging

extension Evaluator {
    /// Synthetic AWGN on the clean images of `folder` (CBSD68, Kodak24, McMaster, Set12 ...): for each
    /// image and sigma, seeded noise (NoiseSeed parts: image index, sigma), denoise, score against the
    /// clean file. One run per sigma.
    public func gaussian(dataset folder: String, sigmas: [Double]) throws -> EvaluationReport {
        let files = try DatasetFolders.images(in: folder)
        let selected = shard.select(files)
        var items = [[EvaluationItem]](repeating: [], count: sigmas.count)
        for (n, entry) in selected.enumerated() {
            let stored = try ImageFile.read(path: entry.item, maxPixels: maxPixels)
            let clean = stored.colorPlanes(), name = DatasetFolders.stem(entry.item)
            var summary: [String] = []
            for (s, sigma) in sigmas.enumerated() {
                let seed = NoiseSeed.derive(base: self.seed, [UInt64(entry.index), NoiseSeed.sigmaCode(sigma)])
                let noisy = noisyInput(clean, sigma: sigma, seed: seed)
                let result = try denoise(noisy, sigma: blind ? nil : sigma)
                let scored = score(output: result.output, clean: clean, maxValue: stored.layout.maxValue)
                try save(result.output, as: "\(Self.sigmaFolder(sigma))/\(name).png")
                items[s].append(EvaluationItem(name: name, psnr: scored.psnr, ssim: scored.ssim, seconds: result.seconds,
                                               megapixels: Double(clean.planeCount) / 1e6, sigmaEstimate: result.estimate))
                summary.append("sigma \(MarkdownReport.sigmaText(sigma)) " + Self.format(scored)
                               + (result.estimate.map { String(format: " (est. %.1f)", $0) } ?? "")
                               + String(format: ", %.2f s", result.seconds))
            }
            log("[\(n + 1)/\(selected.count)] \(name): " + summary.joined(separator: "; "))
        }
        let runs = zip(sigmas, items).map { EvaluationRun(sigma: $0, items: $1) }
        return report(task: "gaussian", dataset: DatasetFolders.displayName(folder), source: folder, synthetic: true, runs: runs)
    }
}
