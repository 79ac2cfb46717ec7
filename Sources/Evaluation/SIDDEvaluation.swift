import Codec
import Foundation
import Imaging

extension Evaluator {
    /// Real noise from the official SIDD validation files (ValidationNoisyBlocksSrgb.mat and
    /// ValidationGtBlocksSrgb.mat, or any file of the same layout): blind denoising of every block,
    /// items named RRRR-CCCC. One run, sigma null.
    public func sidd(noisyMat: String, cleanMat: String) throws -> EvaluationReport {
        try sidd(noisy: MatImageBlocks(path: noisyMat), clean: MatImageBlocks(path: cleanMat), noisyMat: noisyMat, cleanMat: cleanMat)
    }

    /// The same on blocks already read (the CLI reads them before loading the model, to fail fast).
    public func sidd(noisy: MatImageBlocks, clean: MatImageBlocks, noisyMat: String, cleanMat: String) throws -> EvaluationReport {
        try MatImageBlocks.checkPair(noisy: noisy, clean: clean, noisyMat: noisyMat, cleanMat: cleanMat)
        let selected = shard.select(noisy.names)
        var items: [EvaluationItem] = []
        for (n, entry) in selected.enumerated() {
            items.append(try scoreRealPair(name: entry.item, noisy: noisy.block(index: entry.index),
                                           clean: clean.block(index: entry.index), position: "[\(n + 1)/\(selected.count)]"))
        }
        // "val_block_DANet/noisy.mat": the file name alone is often as bare as noisy.mat.
        let dataset = DatasetFolders.displayName((noisyMat as NSString).deletingLastPathComponent) + "/" + DatasetFolders.displayName(noisyMat)
        return report(task: "sidd", dataset: dataset, source: noisyMat, reference: cleanMat, synthetic: false,
                      runs: [EvaluationRun(sigma: nil, items: items)])
    }

    /// Real noise from a folder of pairs: `input/NAME` (noisy) and `groundtruth/NAME` (clean), e.g.
    /// SIDD validation blocks saved as PNG.
    public func sidd(directory: String) throws -> EvaluationReport {
        let pairs = try DatasetFolders.pairs(in: directory)
        let selected = shard.select(pairs)
        var items: [EvaluationItem] = []
        for (n, entry) in selected.enumerated() {
            let noisy = try ImageFile.read(path: entry.item.noisy, maxPixels: maxPixels)
            let clean = try ImageFile.read(path: entry.item.clean, maxPixels: maxPixels)
            guard (noisy.width, noisy.height, noisy.layout.channels.colorChannels) == (clean.width, clean.height, clean.layout.channels.colorChannels) else {
                throw EvaluationError(entry.item.clean, "is \(clean.width)x\(clean.height) \(clean.layout), "
                                      + "but its noisy pair \(entry.item.noisy) is \(noisy.width)x\(noisy.height) \(noisy.layout)")
            }
            items.append(try scoreRealPair(name: entry.item.name, noisy: noisy, clean: clean, position: "[\(n + 1)/\(selected.count)]"))
        }
        return report(task: "sidd", dataset: DatasetFolders.displayName(directory), source: directory, synthetic: false,
                      runs: [EvaluationRun(sigma: nil, items: items)])
    }

    /// Blind-denoises one real noisy image and scores it against its clean pair at the clean file's bit depth.
    func scoreRealPair(name: String, noisy: StoredImage, clean: StoredImage, position: String) throws -> EvaluationItem {
        let reference = clean.colorPlanes()
        let result = try denoise(noisy.colorPlanes(), sigma: nil)
        let scored = score(output: result.output, clean: reference, maxValue: clean.layout.maxValue)
        try save(result.output, as: "\(name).png")
        log("\(position) \(name): " + Self.format(scored) + String(format: " (est. sigma %.1f), %.2f s", result.estimate ?? 0, result.seconds))
        return EvaluationItem(name: name, psnr: scored.psnr, ssim: scored.ssim, seconds: result.seconds,
                              megapixels: Double(reference.planeCount) / 1e6, sigmaEstimate: result.estimate)
    }
}
