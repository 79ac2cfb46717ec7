import Engine

/// SKIPAT's Phi: Z_j = ECA(fc2(GELU(dwconv5x5(GELU(fc1(Z_{j-1})))))), on the token grid.
struct PhiLayer: Sendable {
    let fc1: Linear            // (phiRatio*w, w)
    let dwconv: DepthwiseConv  // (k, k, phiRatio*w)
    let fc2: Linear            // (w, phiRatio*w)
    let eca: Tensor            // (3)

    init(_ r: inout WeightReader, prefix: String, width: Int, config: ModelConfig) throws {
        let hidden = config.phiRatio * width, k = config.phiKernel
        fc1 = Linear(weight: try r("\(prefix).phi.fc1.weight", hidden, width), bias: try r("\(prefix).phi.fc1.bias", hidden))
        dwconv = DepthwiseConv(weight: try r("\(prefix).phi.dwconv.weight", k, k, hidden), bias: try r("\(prefix).phi.dwconv.bias", hidden))
        fc2 = Linear(weight: try r("\(prefix).phi.fc2.weight", width, hidden), bias: try r("\(prefix).phi.fc2.bias", width))
        eca = try r("\(prefix).phi.eca.conv.weight", 3)
    }

    /// zPrevious (h, w, width) -> z (h, w, width).
    func callAsFunction(_ zPrevious: UnsafePointer<Float>, height: Int, width: Int, into z: UnsafeMutablePointer<Float>,
                        _ ws: Workspace) {
        let n = height * width, hidden = fc1.outFeatures
        let a = ws.buffer(Slot.hidden.rawValue, count: n * hidden), b = ws.buffer(Slot.hidden2.rawValue, count: n * hidden)
        fc1(zPrevious, rows: n, into: a, gelu: true)
        dwconv(a, height: height, width: width, into: b, gelu: true)
        fc2(b, rows: n, into: z)
        efficientChannelAttention(z, rows: n, channels: fc2.outFeatures, weight: eca,
                                  scratch: ws.buffer(Slot.small.rawValue, count: 2 * fc2.outFeatures))
    }
}
