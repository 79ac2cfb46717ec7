import Engine
import Imaging

/// Blind noise-level estimate for additive white Gaussian noise, after Chen, Zhu and Heng,
/// "An Efficient Statistical Method for Image Noise Level Estimation" (ICCV 2015).
///
/// The covariance of all (subsampled) `patchSize`^2 x channels patches has eigenvalues that, past the
/// image's few structured directions, all equal sigma^2. Walking down from the full set, the first
/// tail whose mean equals its median (as many eigenvalues above the mean as below) is pure noise:
/// sigma = sqrt(mean).
public struct NoiseEstimator: Sendable {
    public var patchSize = 8
    /// Cap on the patches used; above it patches are taken on a coarser grid (speed on large images).
    public var maxPatches = 60_000

    public init() {}

    /// Sigma on the 0-255 scale of `image` (values in [0, 1]); 0 for images smaller than a patch.
    public func estimate<Image: SampleGrid>(_ image: Image) -> Float {
        let p = patchSize, c = image.colourChannels, d = p * p * c
        guard image.width >= p, image.height >= p else { return 0 }
        let positions = (image.width - p + 1) * (image.height - p + 1)
        let step = max(1, Int((Double(positions) / Double(maxPatches)).squareRoot().rounded(.up)))
        let xs = Array(stride(from: 0, through: image.width - p, by: step))
        let ys = Array(stride(from: 0, through: image.height - p, by: step))
        let count = xs.count * ys.count

        // Patches as columns of X^T (d, count), values on the 0-255 scale, then centred per dimension:
        // covariance = X^T X / count through sgemm. Built in place, one copy of the patches.
        var transposed = [Float](repeating: 0, count: count * d)
        var column = 0
        for y in ys {
            for x in xs {
                var j = 0
                for ch in 0..<c {
                    for dy in 0..<p {
                        for dx in 0..<p {
                            transposed[j * count + column] = image.sample(ch, y + dy, x + dx) * 255
                            j += 1
                        }
                    }
                }
                column += 1
            }
        }
        var mean = [Float](repeating: 0, count: d)
        for j in 0..<d { for r in 0..<count { mean[j] += transposed[j * count + r] } }
        for j in 0..<d { mean[j] /= Float(count) }
        for j in 0..<d { for r in 0..<count { transposed[j * count + r] -= mean[j] } }
        var covariance = [Float](repeating: 0, count: d * d)
        transposed.withUnsafeBufferPointer { xt in
            sgemm(xt.baseAddress!, xt.baseAddress!, &covariance, m: d, n: d, k: count, transposedB: true, beta: 0)
        }
        let eigenvalues = symmetricEigenvalues(covariance.map { Double($0) / Double(count) }, n: d)
        return Float(Self.noiseVariance(ascendingEigenvalues: eigenvalues).squareRoot())
    }

    /// The mean of the largest prefix (smallest eigenvalues) whose mean is also its median.
    static func noiseVariance(ascendingEigenvalues lambda: [Double]) -> Double {
        for size in stride(from: lambda.count, through: 1, by: -1) {
            let prefix = lambda[0..<size]
            let mean = prefix.reduce(0, +) / Double(size)
            if prefix.filter({ $0 > mean }).count == prefix.filter({ $0 < mean }).count {
                return max(0, mean)
            }
        }
        return max(0, lambda.first ?? 0)
    }
}
