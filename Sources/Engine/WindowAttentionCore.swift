import CKernels

/// Geometry of window attention on an (h, w) grid: Swin's rule that a grid no larger than the window
/// is one whole window without shift. Must match `window_geometry` in Scripts/skipat_model.py.
public func windowGeometry(height: Int, width: Int, window: Int, shift: Int) -> (window: Int, shift: Int) {
    min(height, width) <= window ? (min(height, width), 0) : (window, shift)
}

/// Dense relative position bias (heads, n, n), n = ws*ws, gathered from a table ((2*window-1)^2, heads).
public func relativePositionBias(table: Tensor, window: Int, effectiveWindow ws: Int) -> [Float] {
    let heads = table.shape[1], n = ws * ws, side = 2 * window - 1
    var dense = [Float](repeating: 0, count: heads * n * n)
    for i in 0..<n {
        for j in 0..<n {
            let dy = i / ws - j / ws + window - 1, dx = i % ws - j % ws + window - 1
            let row = (dy * side + dx) * heads
            for h in 0..<heads { dense[(h * n + i) * n + j] = table.storage[row + h] }
        }
    }
    return dense
}

/// Softmax(q k^T / sqrt(d) + bias + mask) v for every (shifted) window and head of one tile.
/// qkv (h*w, 3C) -> out (h*w, C). `bias` (heads, ws*ws, ws*ws). `scratch`: `windowAttentionScratchCount`.
@inlinable
public func windowAttention(qkv: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, height: Int, width: Int,
                            channels: Int, heads: Int, window: Int, shift: Int, bias: UnsafePointer<Float>,
                            scratch: UnsafeMutablePointer<Float>) {
    sk_window_attention(qkv, out, Int32(height), Int32(width), Int32(channels), Int32(heads), Int32(window),
                        Int32(shift), bias, scratch)
}

public func windowAttentionScratchCount(channels: Int, window: Int) -> Int {
    sk_window_attention_scratch(Int32(channels), Int32(window))
}
