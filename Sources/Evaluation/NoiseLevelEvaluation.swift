import Codec
import DenoiseKit
import Foundation

/// How well the blind noise estimator recovers a known AWGN level.
public struct NoiseLevelResult: Sendable {
    public let sigma: Double
    /// Mean over images of |estimate - sigma| (0-255 scale).
    public let meanAbsoluteError: Double
    public let meanEstimate: Double
    public let maxAbsoluteError: Double
    public let images: Int
}

/// The noise of `gaussian` (same seeds, so the same noisy images) as blind mode measures it
/// (`BlindNoiseLevel.modelSigma`, the sigma the model would be given): no model is run.
public func noiseLevelErrors(dataset folder: String, sigmas: [Double], seed: UInt64, maxPixels: Int) throws -> [NoiseLevelResult] {
    let files = try DatasetFolders.images(in: folder)
    let estimator = NoiseEstimator()
    var errors = [[Double]](repeating: [], count: sigmas.count), estimates = errors
    for (index, path) in files.enumerated() {
        let clean = try ImageFile.read(path: path, maxPixels: maxPixels).colorPlanes()
        for (s, sigma) in sigmas.enumerated() {
            let noisy = addGaussianNoise(clean, sigma: sigma, seed: NoiseSeed.derive(base: seed, [UInt64(index), NoiseSeed.sigmaCode(sigma)]))
            let estimate = Double(estimator.blindLevel(noisy).modelSigma)
            estimates[s].append(estimate)
            errors[s].append(abs(estimate - sigma))
        }
    }
    return sigmas.indices.map { s in
        NoiseLevelResult(sigma: sigmas[s], meanAbsoluteError: errors[s].reduce(0, +) / Double(files.count),
                         meanEstimate: estimates[s].reduce(0, +) / Double(files.count),
                         maxAbsoluteError: errors[s].max() ?? 0, images: files.count)
    }
}
