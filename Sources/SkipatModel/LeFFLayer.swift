import Engine

/// Locally-enhanced feed-forward: fc2(GELU(dwconv3x3(GELU(fc1(x))))).
struct LeFFLayer: Sendable {
    let fc1: Linear            // (mlpRatio*w, w)
    let dwconv: DepthwiseConv  // (3, 3, mlpRatio*w)
    let fc2: Linear            // (w, mlpRatio*w)

    init(_ r: inout WeightReader, prefix: String, width: Int, config: ModelConfig) throws {
        let hidden = config.mlpRatio * width
        fc1 = Linear(weight: try r("\(prefix).leff.fc1.weight", hidden, width), bias: try r("\(prefix).leff.fc1.bias", hidden))
        dwconv = DepthwiseConv(weight: try r("\(prefix).leff.dwconv.weight", 3, 3, hidden), bias: try r("\(prefix).leff.dwconv.bias", hidden))
        fc2 = Linear(weight: try r("\(prefix).leff.fc2.weight", width, hidden), bias: try r("\(prefix).leff.fc2.bias", width))
    }

    /// x (h, w, width) -> y (h, w, width); x and y may be the same buffer only if not read after.
    func callAsFunction(_ x: UnsafePointer<Float>, height: Int, width: Int, into y: UnsafeMutablePointer<Float>,
                        _ ws: Workspace) {
        let n = height * width, hidden = fc1.outFeatures
        let a = ws.buffer(Slot.hidden.rawValue, count: n * hidden), b = ws.buffer(Slot.hidden2.rawValue, count: n * hidden)
        fc1(x, rows: n, into: a, gelu: true)
        dwconv(a, height: height, width: width, into: b, gelu: true)
        fc2(b, rows: n, into: y)
    }
}
