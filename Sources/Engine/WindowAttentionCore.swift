import CKernels

/// Geometry of window attention on an (h, w) grid: Swin's rule that a grid no larger than the window
/// is one whole window without shift. Must match `window_geometry` in Scripts/skipat_model.py.
public func windowGeometry(height: Int, width: Int, window: Int, shift: Int) -> (window: Int, shift: Int) {
    min(height, width) <= window ? (min(height, width), 0) : (window, shift)
}

/// The relative position bias table as the attention kernel takes it: ((2*window-1)^2, heads), as trained
/// and stored, -> (heads, (2*window-1)^2), head-major.
public func headMajorBiasTable(_ table: Tensor) -> [Float] {
    let entries = table.shape[0], heads = table.shape[1]
    return (0..<heads * entries).map { table.storage[($0 % entries) * heads + $0 / entries] }
}

/// Softmax(q k^T / sqrt(d) + bias + mask) v for every (shifted) window and head of one tile.
/// qkv (h*w, 3C) -> out (h*w, C). Windows of side `window` (from `windowGeometry`, at most
/// `tableWindow`); `biasTable` (heads, (2*tableWindow-1)^2) from `headMajorBiasTable`. The kernel expands
/// one head's bias per call, so the model keeps only the tables. `scratch`: `windowAttentionScratchCount`.
/// `bfloat16`: 16-dim heads take q k^T and the weighted sum of v in bfloat16 where the CPU runs it
/// (AVX-512 BF16, AVX-512 build selected); the bias, mask and softmax stay float32.
@inlinable
public func windowAttention(qkv: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, height: Int, width: Int,
                            channels: Int, heads: Int, tableWindow: Int, window: Int, shift: Int,
                            biasTable: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>, bfloat16: Bool = false) {
    precondition(window <= tableWindow, "window \(window) is larger than the bias table's \(tableWindow)")
    precondition(shift >= 0 && shift < window, "shift \(shift) must be in 0..<window \(window)")
    sk_window_attention(qkv, out, Int32(height), Int32(width), Int32(channels), Int32(heads), Int32(tableWindow),
                        Int32(window), Int32(shift), biasTable, scratch, bfloat16 ? 1 : 0)
}

public func windowAttentionScratchCount(channels: Int, window: Int) -> Int {
    sk_window_attention_scratch(Int32(channels), Int32(window))
}
