import Foundation

/// Separable blending weight of a tile: 1 in the middle, a raised-cosine ramp over `overlap` pixels at
/// each edge, never zero. Accumulating weight * tile and dividing by the summed weight makes the
/// weights of every pixel sum to 1 and fades tiles into each other without seams.
public struct BlendWindow: Sendable {
    public let size: Int
    /// (size) weights of one axis; the 2-D weight at (y, x) is ramp[y] * ramp[x].
    public let ramp: [Float]

    public init(size: Int, overlap: Int) {
        self.size = size
        ramp = (0..<size).map { t in
            guard overlap > 0 else { return 1 }
            let fromEdge = Double(min(t, size - 1 - t)) + 0.5
            let r = min(1, fromEdge / Double(overlap))
            return Float(pow(sin(Double.pi / 2 * r), 2))
        }
    }
}
