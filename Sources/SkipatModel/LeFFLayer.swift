import Engine

/// Locally-enhanced feed-forward: fc2(GELU(dwconv3x3(GELU(fc1(x))))).
struct LeFFLayer: Sendable {
    let feedForward: ConvFeedForward  // fc1 (mlpRatio*w, w), dwconv (3, 3, mlpRatio*w), fc2 (w, mlpRatio*w)

    init(_ r: inout WeightReader, prefix: String, width: Int, config: ModelConfig) throws {
        feedForward = try ConvFeedForward(&r, prefix: "\(prefix).leff", width: width, hidden: config.mlpRatio * width, kernel: 3)
    }

    /// x (h, w, width) -> y (h, w, width); y may be x.
    func callAsFunction(_ x: UnsafePointer<Float>, height: Int, width: Int, into y: UnsafeMutablePointer<Float>,
                        _ workspace: Workspace) {
        feedForward(x, height: height, width: width, into: y, workspace)
    }
}
