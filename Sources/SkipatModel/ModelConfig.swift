/// Architecture of a SKIPAT denoiser, read from the weight file's `__metadata__["config"]`.
/// Field names match `SkipatConfig` in Scripts/skipat_model.py.
public struct ModelConfig: Codable, Sendable, Equatable {
    public var width: Int          // C: channels of the first level
    public var levels: Int         // L: encoder levels, each halves the resolution
    public var depth: Int          // transformer blocks per stage
    public var window: Int         // attention window side
    public var mlpRatio: Int       // LeFF hidden = mlpRatio * width
    public var phiRatio: Int       // Phi hidden = phiRatio * width
    public var phiKernel: Int      // Phi depthwise kernel side
    public var phiBlocks: [Int]    // block indices (in every stage) whose attention is replaced by Phi
    public var inChannels: Int     // noisy RGB + noise-level plane = 4
    public var outChannels: Int    // 3

    enum CodingKeys: String, CodingKey {
        case width, levels, depth, window
        case mlpRatio = "mlp_ratio", phiRatio = "phi_ratio", phiKernel = "phi_kernel", phiBlocks = "phi_blocks"
        case inChannels = "in_channels", outChannels = "out_channels"
    }

    public init(width: Int, levels: Int, depth: Int, window: Int, mlpRatio: Int = 4, phiRatio: Int = 2,
                phiKernel: Int = 5, phiBlocks: [Int], inChannels: Int = 4, outChannels: Int = 3) {
        (self.width, self.levels, self.depth, self.window) = (width, levels, depth, window)
        (self.mlpRatio, self.phiRatio, self.phiKernel, self.phiBlocks) = (mlpRatio, phiRatio, phiKernel, phiBlocks)
        (self.inChannels, self.outChannels) = (inChannels, outChannels)
    }

    /// Input sides must be multiples of this: every level holds a whole number of windows.
    public var sizeMultiple: Int { window << levels }

    /// True when no block uses Phi (the attention-everywhere baseline).
    public var isBaseline: Bool { phiBlocks.isEmpty }

    /// A description of what is wrong, or nil when the config can be built.
    public var problem: String? {
        if width < 1 || levels < 1 || levels > 6 || depth < 1 || window < 1 { return "sizes out of range" }
        if inChannels != 4 || outChannels != 3 { return "expects 4 input and 3 output channels" }
        if mlpRatio < 1 || phiRatio < 1 || phiKernel < 1 || phiKernel % 2 == 0 { return "bad LeFF/Phi sizes" }
        if let j = phiBlocks.first(where: { $0 < 1 || $0 >= depth }) { return "phi block \(j) outside 1..<\(depth)" }
        return nil
    }
}
