import Engine

/// Locally-enhanced feed-forward: fc2(GELU(dwconv3x3(GELU(fc1(x))))).
struct LeFFLayer: Sendable {
    let feedForward: ConvFeedForward  // fc1 (mlpRatio*w, w), dwconv (3, 3, mlpRatio*w), fc2 (w, mlpRatio*w)

    init(_ r: inout WeightReader, prefix: String, width: Int, config: ModelConfig) throws {
        let hidden = config.mlpRatio * width
        feedForward = ConvFeedForward(
            fc1: Linear(weight: try r("\(prefix).leff.fc1.weight", hidden, width), bias: try r("\(prefix).leff.fc1.bias", hidden)),
            dwconv: DepthwiseConv(weight: try r("\(prefix).leff.dwconv.weight", 3, 3, hidden), bias: try r("\(prefix).leff.dwconv.bias", hidden)),
            fc2: Linear(weight: try r("\(prefix).leff.fc2.weight", width, hidden), bias: try r("\(prefix).leff.fc2.bias", width)))
    }

    /// x (h, w, width) -> y (h, w, width); y may be x.
    func callAsFunction(_ x: UnsafePointer<Float>, height: Int, width: Int, into y: UnsafeMutablePointer<Float>,
                        _ ws: Workspace) {
        feedForward(x, height: height, width: width, into: y,
                    scratch: ws.buffer(Slot.feedForward.rawValue, count: feedForward.scratchCount(width: width)))
    }
}
