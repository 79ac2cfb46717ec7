import Foundation
import Imaging

/// The temporal prefilter of models whose config says `prefilter: robust` (docs/design.md, section 9):
/// after block alignment, the centre frame is replaced by its average with the neighbours where they match
/// it, and the model's noise-level plane holds the level left at each pixel. The twin of `temporal_prefilter` in
/// Scripts/motion.py (checked against it on a fixture).
///
/// Neighbour t's weight at a pixel is exp(-gain * max(0, D - 1)), D being the `patch` x `patch` box mean
/// (edges replicated) of its squared difference to the centre (mean over planes) over 2 sigma^2, which is
/// what two noisy copies of the same content differ by; the centre weighs 1. Only distinct frames count:
/// copies of the centre or of an earlier slot (a window clamped at a clip's end or at a cut) would
/// average the same noise twice.
public enum TemporalPrefilter {
    public static let patch = 9
    public static let gain = 8.0

    /// `window`: aligned frames of one size (centre in the middle), `sigma` on the 0-255 scale. Returns the
    /// window with its centre replaced and the level left at each pixel, sigma * sqrt(sum(w^2)) / sum(w),
    /// as one plane on the 0-255 scale; nil (and the window as it is) when there was nothing to average.
    /// The neighbours' weights are computed on up to `threads` threads (one neighbour each) and summed in
    /// slot order, so the result does not depend on `threads`.
    public static func apply(window: [PlanarImage], sigma: Float, threads: Int = 1) -> (window: [PlanarImage], levels: PlanarImage?) {
        let centreIndex = window.count / 2
        let neighbours = distinctNeighbours(window)
        guard sigma >= 0.5, !neighbours.isEmpty else { return (window, nil) }
        let centre = window[centreIndex]
        let (w, h, planes, n) = (centre.width, centre.height, centre.channels, centre.planeCount)
        let s2 = Double(sigma / 255) * Double(sigma / 255)
        // Neighbour t's weight at each pixel: (H, W).
        func weights(of t: Int) -> [Double] {
            let a = window[t].pixels, c = centre.pixels
            var difference = [Double](repeating: 0, count: n)  // (H, W) mean over planes of the squared difference
            for i in 0..<n {
                var sum = 0.0
                for p in 0..<planes {
                    let d = Double(a[p * n + i]) - Double(c[p * n + i])
                    sum += d * d
                }
                difference[i] = sum / Double(planes)
            }
            return boxMean(difference, width: w, height: h, side: patch).map { exp(-gain * max(0, $0 / (2 * s2) - 1)) }
        }
        var neighbourWeights = [[Double]](repeating: [], count: neighbours.count)
        if threads > 1, neighbours.count > 1 {
            let lock = NSLock()
            DispatchQueue.concurrentPerform(iterations: neighbours.count) { k in
                let computed = weights(of: neighbours[k])
                lock.withLock { neighbourWeights[k] = computed }
            }
        } else {
            neighbourWeights = neighbours.map(weights(of:))
        }
        var total = centre.pixels.map(Double.init)
        var weightSum = [Double](repeating: 1, count: n), squares = [Double](repeating: 1, count: n)
        for (t, weight) in zip(neighbours, neighbourWeights) {
            let a = window[t].pixels
            for i in 0..<n {
                for p in 0..<planes { total[p * n + i] += weight[i] * Double(a[p * n + i]) }
                weightSum[i] += weight[i]
                squares[i] += weight[i] * weight[i]
            }
        }
        var filtered = centre
        for p in 0..<planes { for i in 0..<n { filtered.pixels[p * n + i] = Float(total[p * n + i] / weightSum[i]) } }
        var result = window
        result[centreIndex] = filtered
        let levels = (0..<n).map { Float(Double(sigma) * squares[$0].squareRoot() / weightSum[$0]) }
        return (result, PlanarImage(width: w, height: h, channels: 1, pixels: levels))
    }

    /// Slots holding a frame of their own (see the type's comment), ascending.
    static func distinctNeighbours(_ window: [PlanarImage]) -> [Int] {
        let centreIndex = window.count / 2
        var kept: [Int] = []
        for t in window.indices where t != centreIndex {
            if window[t] == window[centreIndex] || kept.contains(where: { window[$0] == window[t] }) { continue }
            kept.append(t)
        }
        return kept
    }

    /// Mean over the side x side box around each pixel of a (height, width) plane, edges replicated.
    static func boxMean(_ plane: [Double], width: Int, height: Int, side: Int) -> [Double] {
        let r = side / 2
        // Integral image of the edge-padded plane: (height + 2r + 1, width + 2r + 1).
        let (pw, ph) = (width + 2 * r + 1, height + 2 * r + 1)
        var integral = [Double](repeating: 0, count: pw * ph)
        for y in 1..<ph {
            let sy = min(max(y - 1 - r, 0), height - 1)
            var row = 0.0
            for x in 1..<pw {
                row += plane[sy * width + min(max(x - 1 - r, 0), width - 1)]
                integral[y * pw + x] = integral[(y - 1) * pw + x] + row
            }
        }
        var out = [Double](repeating: 0, count: width * height)
        let area = Double(side * side)
        for y in 0..<height {
            for x in 0..<width {
                let (y0, x0, y1, x1) = (y, x, y + side, x + side)
                out[y * width + x] = (integral[y1 * pw + x1] - integral[y0 * pw + x1] - integral[y1 * pw + x0] + integral[y0 * pw + x0]) / area
            }
        }
        return out
    }
}
