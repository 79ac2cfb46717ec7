import Codec
import Foundation
import Imaging

extension Evaluator {
    /// Synthetic AWGN on DAVIS sequences, frame by frame (NoiseSeed parts: sequence index, frame
    /// index, sigma). Each sequence's score is the mean of its frames; a run's, the mean of its
    /// sequences. `frames` keeps only the first N frames of each sequence.
    public func davis(root: String, sigmas: [Double], frames limit: Int? = nil) throws -> EvaluationReport {
        let sequences = try DatasetFolders.sequences(in: root)
        let selected = shard.select(sequences)
        var items = [[EvaluationItem]](repeating: [], count: sigmas.count)
        for (n, entry) in selected.enumerated() {
            let frames = Array(entry.item.frames.prefix(limit ?? .max))
            var scores = [[FrameScore]](repeating: [], count: sigmas.count)
            var megapixels = 0.0
            for (f, file) in frames.enumerated() {
                let stored = try ImageFile.read(path: file, maxPixels: maxPixels)
                let clean = stored.colorPlanes(), frameName = DatasetFolders.stem(file)
                megapixels += Double(clean.planeCount) / 1e6
                for (s, sigma) in sigmas.enumerated() {
                    let seed = NoiseSeed.derive(base: self.seed, [UInt64(entry.index), UInt64(f), NoiseSeed.sigmaCode(sigma)])
                    let result = try denoise(noisyInput(clean, sigma: sigma, seed: seed), sigma: blind ? nil : sigma)
                    let scored = score(output: result.output, clean: clean, maxValue: stored.layout.maxValue)
                    try save(result.output, as: "\(Self.sigmaFolder(sigma))/\(entry.item.name)/\(frameName).png")
                    scores[s].append(FrameScore(name: frameName, psnr: scored.psnr, ssim: scored.ssim, seconds: result.seconds))
                }
            }
            var summary: [String] = []
            for (s, sigma) in sigmas.enumerated() {
                let item = EvaluationItem(sequence: entry.item.name, frames: scores[s], megapixels: megapixels)
                items[s].append(item)
                summary.append("sigma \(MarkdownReport.sigmaText(sigma)) " + Self.format(Score(psnr: item.psnr, ssim: item.ssim))
                               + String(format: ", %.2f fps", item.seconds > 0 ? Double(frames.count) / item.seconds : 0))
            }
            log("[\(n + 1)/\(selected.count)] \(entry.item.name) (\(frames.count) frames): " + summary.joined(separator: "; "))
        }
        let runs = zip(sigmas, items).map { EvaluationRun(sigma: $0, items: $1) }
        return report(task: "davis", dataset: DatasetFolders.displayName(root), source: root, synthetic: true, runs: runs)
    }
}
