import Foundation
import Imaging

/// Structural similarity, Wang et al. 2004, as docs/design.md (section 6) fixes it: 11x11 Gaussian window
/// (sigma 1.5), K1 = 0.01, K2 = 0.03, population covariance, per channel and averaged, over the valid
/// region only (window fully inside). Matches skimage.metrics.structural_similarity(gaussian_weights=True,
/// sigma=1.5, use_sample_covariance=False, data_range=...). Float64 throughout.
/// Returns nil for images smaller than the window.
public func ssim(_ a: PlanarImage, _ b: PlanarImage, dataRange: Double = 1, border: Int = 0) -> Double? {
    precondition(a.width == b.width && a.height == b.height && a.channels == b.channels, "image sizes differ")
    let w = a.width - 2 * border, h = a.height - 2 * border
    let kernel = gaussianKernel(radius: 5, sigma: 1.5), side = kernel.count
    guard w >= side, h >= side else { return nil }
    let c1 = (0.01 * dataRange) * (0.01 * dataRange), c2 = (0.03 * dataRange) * (0.03 * dataRange)
    var total = 0.0
    for c in 0..<a.channels {
        var x = [Double](repeating: 0, count: w * h), y = x
        for row in 0..<h {
            for col in 0..<w {
                x[row * w + col] = Double(a[c, row + border, col + border])
                y[row * w + col] = Double(b[c, row + border, col + border])
            }
        }
        let mx = validFilter(x, w, h, kernel), my = validFilter(y, w, h, kernel)
        let mxx = validFilter(zip(x, x).map(*), w, h, kernel), myy = validFilter(zip(y, y).map(*), w, h, kernel)
        let mxy = validFilter(zip(x, y).map(*), w, h, kernel)
        var sum = 0.0
        for i in 0..<mx.count {
            let vx = mxx[i] - mx[i] * mx[i], vy = myy[i] - my[i] * my[i], vxy = mxy[i] - mx[i] * my[i]
            sum += (2 * mx[i] * my[i] + c1) * (2 * vxy + c2) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2))
        }
        total += sum / Double(mx.count)
    }
    return total / Double(a.channels)
}

/// Normalised 1-D Gaussian taps at -radius...radius (scipy.ndimage's kernel).
func gaussianKernel(radius: Int, sigma: Double) -> [Double] {
    let taps = (-radius...radius).map { exp(-0.5 * Double($0 * $0) / (sigma * sigma)) }
    let sum = taps.reduce(0, +)
    return taps.map { $0 / sum }
}

/// Separable correlation keeping only positions where the window lies inside: (h-k+1) x (w-k+1).
func validFilter(_ image: [Double], _ w: Int, _ h: Int, _ kernel: [Double]) -> [Double] {
    let k = kernel.count, ow = w - k + 1, oh = h - k + 1
    var rows = [Double](repeating: 0, count: ow * h)
    for y in 0..<h {
        for x in 0..<ow {
            var acc = 0.0
            for t in 0..<k { acc += kernel[t] * image[y * w + x + t] }
            rows[y * ow + x] = acc
        }
    }
    var out = [Double](repeating: 0, count: ow * oh)
    for y in 0..<oh {
        for x in 0..<ow {
            var acc = 0.0
            for t in 0..<k { acc += kernel[t] * rows[(y + t) * ow + x] }
            out[y * ow + x] = acc
        }
    }
    return out
}
