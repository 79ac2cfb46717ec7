import Imaging

/// Finds scene cuts between consecutive frames of a clip, so a temporal model never mixes two shots
/// (no ghost of the previous shot in the first frames of the next).
///
/// Each frame is reduced to a thumbnail of block means (16x16 pixels from 384 pixels up the shorter side,
/// smaller blocks below so the thumbnail keeps about 24 rows; noise at sigma 50 falls to about 3/255 in a
/// 16x16 block) and a 16-bin histogram per plane of it. A cut is where the thumbnails of two consecutive
/// frames differ by more than `maxBlockDifference` on average, or by more than half that while their
/// histograms share less than `minHistogramOverlap` (the histogram alone would cut a flat frame that
/// brightens across a bin edge). On the DAVIS validation sequences at sigma 50 (docs/design.md,
/// section 9), consecutive frames of a shot differ by at most 0.082 and share at least 0.949, while the
/// last frame of one sequence and the first of another differ by at least 0.150 and share at most 0.851.
public struct SceneCutDetector: Sendable {
    public var maxBlockDifference: Float = 0.12
    public var minHistogramOverlap: Float = 0.9
    static let bins = 16

    /// Side of the thumbnail's blocks for a frame of this size: 16, or less for small frames (at least 4).
    static func block(width: Int, height: Int) -> Int { max(4, min(16, min(width, height) / 24)) }

    public init() {}

    /// What the detector keeps of a frame: (planes, rows, columns) block means and per-plane histograms.
    public struct Signature: Sendable {
        let thumbnail: [Float]      // (planes, rows, columns)
        let histograms: [[Float]]   // (planes, bins), each summing to 1
    }

    public func signature(of frame: PlanarImage) -> Signature {
        let b = Self.block(width: frame.width, height: frame.height)
        let rows = max(1, frame.height / b), columns = max(1, frame.width / b)
        let (bh, bw) = (min(b, frame.height), min(b, frame.width))
        var thumbnail = [Float](repeating: 0, count: frame.channels * rows * columns)
        var histograms = [[Float]](repeating: [Float](repeating: 0, count: Self.bins), count: frame.channels)
        let n = frame.planeCount, scale = 1 / Float(bh * bw)
        for c in 0..<frame.channels {
            for r in 0..<rows {
                for q in 0..<columns {
                    var sum: Float = 0
                    for y in (r * bh)..<(r * bh + bh) {
                        let row = c * n + y * frame.width
                        for x in (q * bw)..<(q * bw + bw) { sum += frame.pixels[row + x] }
                    }
                    let mean = sum * scale
                    thumbnail[(c * rows + r) * columns + q] = mean
                    histograms[c][min(Self.bins - 1, max(0, Int(mean * Float(Self.bins))))] += 1 / Float(rows * columns)
                }
            }
        }
        return Signature(thumbnail: thumbnail, histograms: histograms)
    }

    /// Whether `next` starts a new shot after `previous` (signatures of frames of one size and plane count).
    public func isCut(from previous: Signature, to next: Signature) -> Bool {
        guard previous.thumbnail.count == next.thumbnail.count, !next.thumbnail.isEmpty else { return true }
        let difference = zip(previous.thumbnail, next.thumbnail).reduce(Float(0)) { $0 + abs($1.0 - $1.1) }
            / Float(next.thumbnail.count)
        let overlap = zip(previous.histograms, next.histograms).reduce(Float(0)) { total, pair in
            total + zip(pair.0, pair.1).reduce(Float(0)) { $0 + min($1.0, $1.1) }
        } / Float(next.histograms.count)
        return difference > maxBlockDifference || (difference > maxBlockDifference / 2 && overlap < minHistogramOverlap)
    }
}
