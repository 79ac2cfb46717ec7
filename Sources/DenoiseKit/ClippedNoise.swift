import Foundation
import Imaging

/// Noise in a file is clipped: a pixel near black or white cannot go past 0 or 255, so the noisy values
/// there are biased, and a denoiser that returns their local mean lifts every black and dims every white
/// (75% colour bars with sigma-25 noise came back 10 levels off). Foi ("Clipped noisy images:
/// heteroskedastic modeling and practical denoising", Signal Processing 2009) undoes it after denoising:
/// the output estimates m = E[clip(x + n)], and f(x) = E[max(0, x + n)] = x Phi(x/s) + s phi(x/s) for
/// n ~ N(0, s^2) is increasing, so x = f^-1(m); the same at the white end, mirrored.
/// Applied only to inputs that are clipped (every sample in [0, 1], as any 8- or 16-bit file), and only
/// for white noise at a known sigma: camera noise's per-pixel level is not the model's sigma.
public struct ClippedNoiseCorrection: Sendable {
    /// Noise standard deviation on the [0, 1] scale.
    public let sigma: Double
    /// f on a grid of x from -4 sigma to `span`; beyond `span` f(x) = x to float precision.
    private let xs: [Double], means: [Double]
    private let span: Double

    /// `sigma255`: the noise level on the 0-255 scale (must be above 0).
    public init(sigma255: Float) {
        let s = Double(sigma255) / 255, count = 2048
        let grid = (0..<count).map { -4 * s + 10 * s * Double($0) / Double(count - 1) }
        (sigma, span, xs) = (s, 6 * s, grid)
        means = grid.map { Self.clippedMean($0, s) }
    }

    /// E[max(0, x + n)], n ~ N(0, s^2).
    public static func clippedMean(_ x: Double, _ s: Double) -> Double {
        let t = x / s
        return x * 0.5 * erfc(-t / 2.0.squareRoot()) + s * exp(-0.5 * t * t) / (2 * Double.pi).squareRoot()
    }

    /// f^-1(m) for m in [0, f(span)]: binary search on the grid, linear between its points.
    func unclipped(_ m: Double) -> Double {
        if m >= means[means.count - 1] { return m }
        if m <= means[0] { return xs[0] }
        var lo = 0, hi = means.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if means[mid] < m { lo = mid } else { hi = mid }
        }
        let t = (m - means[lo]) / (means[hi] - means[lo])
        return xs[lo] + t * (xs[hi] - xs[lo])
    }

    /// The corrected value of one output sample (clamped to [0, 1]); mid-tones pass unchanged.
    public func corrected(_ value: Float) -> Float {
        let m = Double(min(max(value, 0), 1))
        if m < span { return Float(min(max(unclipped(m), 0), 1)) }
        if 1 - m < span { return Float(min(max(1 - unclipped(1 - m), 0), 1)) }
        return value
    }

    /// Corrects every sample of `image` (a denoiser's output for a clipped input).
    public func apply(to image: inout PlanarImage) {
        for i in image.pixels.indices { image.pixels[i] = corrected(image.pixels[i]) }
    }

    /// Whether `image` holds clipped data: every sample within [0, 1] (as any integer file), so the
    /// correction applies; synthetic unclipped noise has samples outside.
    public static func isClipped(_ image: PlanarImage) -> Bool {
        image.pixels.allSatisfy { $0 >= 0 && $0 <= 1 }
    }
}
