import Engine

/// A = proj(W-MSA(LN(x))) with relative position bias; shifted windows where the config's shift order says.
struct WindowAttentionLayer: Sendable {
    let norm1: LayerNorm
    let qkv: Linear          // (3w, w)
    let proj: Linear         // (w, w)
    let heads: Int
    let window: Int
    let shift: Int
    /// Relative position bias table (heads, (2*window-1)^2), head-major for the kernel. (The dense
    /// (heads, n, n) (n = window side squared) form for every window size a grid can give took 1-8 MB per layer.)
    let biasTable: [Float]
    /// Whether the attention products run in bfloat16 (the model's precision is bfloat16 or int8).
    let bfloat16Products: Bool

    init(_ r: inout WeightReader, prefix: String, width: Int, heads: Int, window: Int, shift: Int) throws {
        norm1 = LayerNorm(weight: try r("\(prefix).norm1.weight", width), bias: try r("\(prefix).norm1.bias", width))
        bfloat16Products = r.precision != .float32  // int8 changes Linear layers only
        qkv = try r.linear("\(prefix).attn.qkv", out: 3 * width, in: width)
        proj = try r.linear("\(prefix).attn.proj", out: width, in: width)
        let table = try r("\(prefix).attn.relative_position_bias_table", (2 * window - 1) * (2 * window - 1), heads)
        biasTable = headMajorBiasTable(table)
        (self.heads, self.window, self.shift) = (heads, window, shift)
    }

    /// x (h, w, width) -> z (h, w, width).
    func callAsFunction(_ x: UnsafePointer<Float>, height: Int, width: Int, into z: UnsafeMutablePointer<Float>,
                        _ workspace: Workspace) {
        let channels = qkv.inFeatures, n = height * width
        let normed = workspace.buffer(Slot.normed.rawValue, count: n * channels)
        let qkvOut = workspace.buffer(Slot.qkv.rawValue, count: n * 3 * channels)
        let geometry = windowGeometry(height: height, width: width, window: window, shift: shift)
        let scratch = workspace.buffer(Slot.small.rawValue, count: windowAttentionScratchCount(channels: channels, window: geometry.window))
        norm1(x, rows: n, into: normed)
        qkv(normed, rows: n, into: qkvOut)
        biasTable.withUnsafeBufferPointer { table in
            windowAttention(qkv: qkvOut, into: normed, height: height, width: width, channels: channels, heads: heads,
                            tableWindow: window, window: geometry.window, shift: geometry.shift,
                            biasTable: table.baseAddress!, scratch: scratch, bfloat16: bfloat16Products)
        }
        proj(normed, rows: n, into: z)
    }
}
