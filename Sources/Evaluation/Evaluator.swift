import Batching
import Codec
import DenoiseKit
import Dispatch
import Foundation
import Imaging

/// Runs a denoiser over a dataset and scores it. One instance per evaluation; the datasets are in
/// extensions (GaussianEvaluation, SIDDEvaluation, DAVISEvaluation).
public final class Evaluator {
    public let denoiser: Denoiser
    public let model: ModelIdentity
    /// Which items this run takes (of the dataset's items in sorted order).
    public var shard = Shard.all
    /// Base seed of the synthetic noise (see NoiseSeed).
    public var seed: UInt64 = 0
    /// Estimate sigma from each noisy input instead of giving the model the true one.
    public var blind = false
    /// Clip synthetic noise to [0, 1] and round it to 8 bits, as a file holds it (Gaussian and DAVIS tasks).
    public var clipNoise = false
    /// Correct the output of clipped inputs for the bias of clipped noise (ClippedNoiseCorrection); off to
    /// measure what the correction does.
    public var clippingCorrection = true
    /// When set, every denoised output is written there as a 16-bit PNG.
    public var saveDirectory: String?
    /// Images larger than this are refused from their header.
    public var maxPixels = 250_000_000
    /// Progress lines (the CLI prints them on stderr).
    public var log: (String) -> Void = { _ in }
    /// Writes one finished output image (the CLI passes a writer that renames into place on success).
    public var writeImage: (StoredImage, String) throws -> Void = { try PNGCodec.write($0, to: $1) }

    public init(denoiser: Denoiser, model: ModelIdentity) {
        (self.denoiser, self.model) = (denoiser, model)
    }

    /// The noisy input of a synthetic task: seeded AWGN, clipped and rounded to 8 bits with `clipNoise`.
    func noisyInput(_ clean: PlanarImage, sigma: Double, seed: UInt64) -> PlanarImage {
        var noisy = addGaussianNoise(clean, sigma: sigma, seed: seed)
        if clipNoise { noisy.pixels = noisy.pixels.map { quantize($0, maxValue: 255) / 255 } }
        return noisy
    }

    /// Denoises `noisy` at `sigma`, or blind (`BlindNoiseLevel.modelSigma`) when `sigma` is nil, and times it.
    func denoise(_ noisy: PlanarImage, sigma: Double?) throws -> (output: PlanarImage, seconds: Double, estimate: Double?) {
        let start = DispatchTime.now().uptimeNanoseconds
        let (level, measured) = denoiser.sigma(for: noisy, given: sigma.map { Float($0) })
        let output = try denoiser.denoise(noisy, sigma: level, whiteNoise: clippingCorrection && (measured?.isWhite ?? true))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (output, seconds, measured.map { Double($0.modelSigma) })
    }

    /// Writes `output` as a 16-bit PNG at `saveDirectory/relativePath`, if saving is on.
    func save(_ output: PlanarImage, as relativePath: String) throws {
        guard let saveDirectory else { return }
        let path = (saveDirectory as NSString).appendingPathComponent(relativePath)
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw EvaluationError(folder, "cannot create the folder")
        }
        let layout = PixelLayout(channels: output.channels == 1 ? .gray : .rgb, bitDepth: 16)
        let blank = StoredImage(width: output.width, height: output.height, layout: layout,
                                samples: [UInt16](repeating: 0, count: output.width * output.height * output.channels))
        try writeImage(blank.replacingColor(with: output), path)
    }

    /// The report of this evaluator's settings. Real noise has no seed and is always denoised blind.
    func report(task: String, dataset: String, source: String, reference: String? = nil, synthetic: Bool,
                runs: [EvaluationRun]) -> EvaluationReport {
        // Absolute paths, so that Scripts/report.py finds the images from anywhere.
        func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
        return EvaluationReport(task: task, dataset: dataset, source: absolute(source), reference: reference.map(absolute),
                                model: model, seed: synthetic ? seed : nil,
                                blind: synthetic ? blind : true, shard: shard == .all ? nil : shard.description,
                                tile: denoiser.processor.tileSize, overlap: denoiser.processor.overlap,
                                threads: denoiser.processor.threads, selfEnsemble: denoiser.selfEnsemble,
                                clipped: synthetic && clipNoise, precision: denoiser.model.precision.rawValue, runs: runs)
    }

    /// "sigma25" (the save folder of one noise level).
    static func sigmaFolder(_ sigma: Double) -> String { "sigma" + MarkdownReport.sigmaText(sigma) }

    static func format(_ score: Score) -> String {
        String(format: "%.2f dB", score.psnr) + (score.ssim.map { String(format: " / %.4f", $0) } ?? "")
    }
}
