import Engine

/// The feed-forward shared by LeFF and Phi, read from the weight file and run in the workspace.
extension ConvFeedForward {
    /// Reads `<prefix>.fc1` (hidden, width), `<prefix>.dwconv` (kernel, kernel, hidden) and `<prefix>.fc2` (width, hidden).
    init(_ r: inout WeightReader, prefix: String, width: Int, hidden: Int, kernel: Int) throws {
        self.init(fc1: try r.linear("\(prefix).fc1", out: hidden, in: width),
                  dwconv: DepthwiseConv(weight: try r("\(prefix).dwconv.weight", kernel, kernel, hidden),
                                        bias: try r("\(prefix).dwconv.bias", hidden)),
                  fc2: try r.linear("\(prefix).fc2", out: width, in: hidden))
    }

    /// Runs with its ring of hidden rows in the workspace's feed-forward slot; y may be x.
    func callAsFunction(_ x: UnsafePointer<Float>, height: Int, width: Int, into y: UnsafeMutablePointer<Float>,
                        _ workspace: Workspace) {
        self(x, height: height, width: width, into: y,
             scratch: workspace.buffer(Slot.feedForward.rawValue, count: scratchCount(width: width)))
    }
}
