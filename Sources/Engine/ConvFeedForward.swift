/// y = fc2(GELU(dwconv(GELU(fc1(x))))) on a channel-last grid: the feed-forward of LeFF and of SKIPAT's Phi.
///
/// Streamed over grid rows: fc1 fills a ring of `kernel` hidden rows, and each output row is convolved from
/// the ring and projected by fc2 right away. The hidden activations (4x wider than x in LeFF) then stay in
/// cache instead of making two whole-grid round trips through memory, which is what the three whole-grid
/// passes spent most of their time on.
public struct ConvFeedForward: Sendable {
    public let fc1: Linear          // (hidden, in)
    public let dwconv: DepthwiseConv // (k, k, hidden)
    public let fc2: Linear          // (out, hidden)
    public var hidden: Int { fc1.outFeatures }

    public init(fc1: Linear, dwconv: DepthwiseConv, fc2: Linear) {
        precondition(fc1.outFeatures == dwconv.channels && fc2.inFeatures == dwconv.channels)
        (self.fc1, self.dwconv, self.fc2) = (fc1, dwconv, fc2)
    }

    /// Floats of scratch for a grid `width` tokens wide: the ring of `kernel` hidden rows and one convolved row.
    public func scratchCount(width: Int) -> Int { (dwconv.kernel + 1) * width * hidden }

    /// x (h, w, in) -> y (h, w, out). y may be x when in == out: output row r is written after input rows
    /// 0...r+k/2 were read.
    public func callAsFunction(_ x: UnsafePointer<Float>, height: Int, width: Int, into y: UnsafeMutablePointer<Float>,
                               scratch: UnsafeMutablePointer<Float>) {
        precondition(UnsafePointer(y) != x || fc1.inFeatures == fc2.outFeatures, "in place needs in == out")
        let k = dwconv.kernel, pad = k / 2, hiddenRow = width * hidden
        let (inRow, outRow) = (width * fc1.inFeatures, width * fc2.outFeatures)
        let convolved = scratch + k * hiddenRow       // (w, hidden)
        func ring(_ gridRow: Int) -> UnsafeMutablePointer<Float> { scratch + (gridRow % k) * hiddenRow }
        withUnsafeTemporaryAllocation(of: UnsafePointer<Float>?.self, capacity: k) { rows in
            for r in 0..<(height + pad) {
                if r < height { fc1(x + r * inRow, rows: width, into: ring(r), gelu: true) }
                let oy = r - pad  // ring now holds hidden rows oy-pad ... oy+pad
                guard oy >= 0 else { continue }
                for ky in 0..<k {
                    let iy = oy + ky - pad
                    rows[ky] = iy >= 0 && iy < height ? UnsafePointer(ring(iy)) : nil
                }
                dwconv.row(rows.baseAddress!, width: width, into: convolved, gelu: true)
                fc2(convolved, rows: width, into: y + oy * outRow)
            }
        }
    }
}
