import Engine

/// SKIPAT's Phi: Z_j = ECA(fc2(GELU(dwconv5x5(GELU(fc1(Z_{j-1})))))), on the token grid.
struct PhiLayer: Sendable {
    let feedForward: ConvFeedForward  // fc1 (phiRatio*w, w), dwconv (k, k, phiRatio*w), fc2 (w, phiRatio*w)
    let eca: Tensor                   // (3)

    init(_ r: inout WeightReader, prefix: String, width: Int, config: ModelConfig) throws {
        feedForward = try ConvFeedForward(&r, prefix: "\(prefix).phi", width: width, hidden: config.phiRatio * width,
                                          kernel: config.phiKernel)
        eca = try r("\(prefix).phi.eca.conv.weight", 3)
    }

    /// zPrevious (h, w, width) -> z (h, w, width).
    func callAsFunction(_ zPrevious: UnsafePointer<Float>, height: Int, width: Int, into z: UnsafeMutablePointer<Float>,
                        _ workspace: Workspace) {
        let n = height * width, channels = feedForward.fc2.outFeatures
        feedForward(zPrevious, height: height, width: width, into: z, workspace)
        efficientChannelAttention(z, rows: n, channels: channels, weight: eca,
                                  scratch: workspace.buffer(Slot.small.rawValue, count: 2 * channels))
    }
}
