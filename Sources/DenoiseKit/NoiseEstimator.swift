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
        var patches = Patches(estimator: self, width: image.width, height: image.height, channels: image.colourChannels)
        for y in 0..<image.height { patches.add(row: y) { c, x in image.sample(c, y, x) } }
        return patches.sigma()
    }

    /// The patches of one estimate, gathered from rows as they arrive top to bottom, so an image read
    /// a band at a time is measured exactly as one held whole: `patchSize`^2 x channels patches on a
    /// grid of `step` (at most `maxPatches` of them), stored as the columns of X^T (d, count).
    public struct Patches {
        let p: Int, channels: Int, d: Int
        let xs: [Int], ys: [Int]
        let step: Int
        var count: Int { xs.count * ys.count }
        var transposed: [Float]  // (d, count), values on the 0-255 scale

        public init(estimator: NoiseEstimator, width: Int, height: Int, channels: Int) {
            let p = estimator.patchSize
            (self.p, self.channels, d) = (p, channels, p * p * channels)
            guard width >= p, height >= p else {
                (xs, ys, step, transposed) = ([], [], 1, [])
                return
            }
            let positions = (width - p + 1) * (height - p + 1)
            step = max(1, Int((Double(positions) / Double(estimator.maxPatches)).squareRoot().rounded(.up)))
            xs = Array(stride(from: 0, through: width - p, by: step))
            ys = Array(stride(from: 0, through: height - p, by: step))
            transposed = [Float](repeating: 0, count: xs.count * ys.count * d)
        }

        /// Row `y` of the image (rows in order), as `sample(channel, x)` in [0, 1].
        public mutating func add(row y: Int, sample: (Int, Int) -> Float) {
            guard !ys.isEmpty else { return }
            // Patch rows i whose window ys[i]..<ys[i] + p holds y.
            let first = max(0, (y - p + 1 + step - 1) / step), last = min(ys.count - 1, y / step)
            guard first <= last else { return }
            let count = self.count
            transposed.withUnsafeMutableBufferPointer { xt in
                for i in first...last {
                    let dy = y - ys[i]
                    guard dy >= 0, dy < p else { continue }
                    for (k, x) in xs.enumerated() {
                        let column = i * xs.count + k
                        for ch in 0..<channels {
                            for dx in 0..<p { xt[(ch * p * p + dy * p + dx) * count + column] = sample(ch, x + dx) * 255 }
                        }
                    }
                }
            }
        }

        /// Sigma on the 0-255 scale once every row was added; 0 for images smaller than a patch. Centres
        /// the patches in place: call it once.
        public mutating func sigma() -> Float {
            guard !ys.isEmpty else { return 0 }
            // Centre each dimension, then covariance = X^T X / count through sgemm.
            let count = self.count
            var centred = transposed
            transposed = []  // the one copy moves to `centred` (no copy-on-write of tens of MB)
            var mean = [Float](repeating: 0, count: d)
            for j in 0..<d { for r in 0..<count { mean[j] += centred[j * count + r] } }
            for j in 0..<d { mean[j] /= Float(count) }
            for j in 0..<d { for r in 0..<count { centred[j * count + r] -= mean[j] } }
            var covariance = [Float](repeating: 0, count: d * d)
            centred.withUnsafeBufferPointer { xt in
                sgemm(xt.baseAddress!, xt.baseAddress!, &covariance, m: d, n: d, k: count, transposedB: true, beta: 0)
            }
            let eigenvalues = symmetricEigenvalues(covariance.map { Double($0) / Double(count) }, n: d)
            return Float(NoiseEstimator.noiseVariance(ascendingEigenvalues: eigenvalues).squareRoot())
        }
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
