import Engine

/// Architecture of a SKIPAT denoiser, read from the weight file's `__metadata__["config"]`.
/// Field names match `SkipatConfig` in Scripts/skipat_model.py.
public struct ModelConfig: Codable, Sendable, Equatable {
    public var channels: Int       // C: channels of the first level (JSON "width")
    public var levels: Int         // L: encoder levels, each halves the resolution
    public var depth: Int          // transformer blocks per stage
    public var window: Int         // attention window side
    public var mlpRatio: Int       // LeFF hidden = mlpRatio * channels of the block
    public var phiRatio: Int       // Phi hidden = phiRatio * channels of the block
    public var phiKernel: Int      // Phi depthwise kernel side
    public var phiBlocks: [Int]    // block indices (in every stage) whose attention is replaced by Phi
    public var shiftOrder: ShiftOrder  // which attention blocks use shifted windows
    public var inChannels: Int     // 3 * frames (noisy RGB of each frame) + noise-level plane
    public var outChannels: Int    // 3
    /// Temporal models: consecutive noisy frames in, the centre one restored (1: an image model).
    public var frames: Int
    /// Channels of the temporal fusion branch (all frames -> 3x3 conv -> LeakyReLU -> 3x3 conv to `channels`,
    /// added to the input projection, which sees every frame too); 0 for an image model.
    public var fusionWidth: Int
    /// How a temporal model's neighbour frames are prepared before it sees them (the caller's job: the
    /// model only reads the config).
    public var alignment: Alignment
    /// Whether the centre frame is replaced by its robust temporal average before the model sees it.
    public var prefilter: Prefilter

    enum CodingKeys: String, CodingKey {
        case channels = "width", levels, depth, window
        case mlpRatio = "mlp_ratio", phiRatio = "phi_ratio", phiKernel = "phi_kernel", phiBlocks = "phi_blocks"
        case shiftOrder = "shift_order", inChannels = "in_channels", outChannels = "out_channels"
        case frames, fusionWidth = "fusion_width", alignment, prefilter
    }

    public init(channels: Int, levels: Int, depth: Int, window: Int, mlpRatio: Int = 4, phiRatio: Int = 2,
                phiKernel: Int = 5, phiBlocks: [Int], shiftOrder: ShiftOrder = .block, inChannels: Int? = nil,
                outChannels: Int = 3, frames: Int = 1, fusionWidth: Int = 0, alignment: Alignment = .none,
                prefilter: Prefilter = .none) {
        (self.channels, self.levels, self.depth, self.window) = (channels, levels, depth, window)
        (self.mlpRatio, self.phiRatio, self.phiKernel, self.phiBlocks) = (mlpRatio, phiRatio, phiKernel, phiBlocks)
        (self.shiftOrder, self.inChannels, self.outChannels) = (shiftOrder, inChannels ?? 3 * frames + 1, outChannels)
        (self.frames, self.fusionWidth, self.alignment, self.prefilter) = (frames, fusionWidth, alignment, prefilter)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(channels: c.decode(Int.self, forKey: .channels), levels: c.decode(Int.self, forKey: .levels),
                      depth: c.decode(Int.self, forKey: .depth), window: c.decode(Int.self, forKey: .window),
                      mlpRatio: c.decode(Int.self, forKey: .mlpRatio), phiRatio: c.decode(Int.self, forKey: .phiRatio),
                      phiKernel: c.decode(Int.self, forKey: .phiKernel), phiBlocks: c.decode([Int].self, forKey: .phiBlocks),
                      // Files written before the field existed all used the per-block rule.
                      shiftOrder: c.decodeIfPresent(ShiftOrder.self, forKey: .shiftOrder) ?? .block,
                      inChannels: c.decode(Int.self, forKey: .inChannels),
                      outChannels: c.decode(Int.self, forKey: .outChannels),
                      // Image-model files from before temporal models lack both.
                      frames: c.decodeIfPresent(Int.self, forKey: .frames) ?? 1,
                      fusionWidth: c.decodeIfPresent(Int.self, forKey: .fusionWidth) ?? 0,
                      alignment: c.decodeIfPresent(Alignment.self, forKey: .alignment) ?? .none,
                      prefilter: c.decodeIfPresent(Prefilter.self, forKey: .prefilter) ?? .none)
    }

    /// Index of the frame a temporal model restores (the middle of its window); 0 for an image model.
    public var centreFrame: Int { frames / 2 }

    /// Preparation of a temporal model's neighbour frames (JSON "alignment").
    public enum Alignment: String, Codable, Sendable {
        /// As decoded.
        case none
        /// Each warped onto the centre frame by block motion compensation (DenoiseKit's `BlockMatcher`,
        /// Scripts/motion.py in training).
        case block
    }

    /// What is done to a temporal model's centre frame after alignment (JSON "prefilter").
    public enum Prefilter: String, Codable, Sendable {
        case none
        /// Averaged with the aligned neighbours where they match it (DenoiseKit's `TemporalPrefilter`), the
        /// model given the noise level left.
        case robust
    }

    /// Which attention blocks use shifted windows (Swin-style, by half a window).
    public enum ShiftOrder: String, Codable, Sendable {
        /// Odd blocks of every stage (Swin, Uformer).
        case block
        /// The network's attention blocks, in forward order (encoders, bottleneck, decoders L-1..0), alternate
        /// plain and shifted; Phi blocks are not counted. A SKIPAT stage whose only attention is block 0 then
        /// still gets shifted windows in every second stage. Agrees with `block` for an even depth without Phi blocks.
        case network
    }

    /// Window shift of block `block` in the stage at forward position `stage` (encoder i at i, bottleneck at L,
    /// decoder i at 2L - i). Mirrors `SkipatConfig.window_shift` in Scripts/skipat_model.py.
    public func windowShift(stage: Int, block: Int) -> Int {
        if phiBlocks.contains(block) { return 0 }
        let shifted: Bool
        switch shiftOrder {
        case .block:
            shifted = block % 2 == 1
        case .network:
            let attentionPerStage = depth - Set(phiBlocks).count
            let earlierInStage = (0..<block).filter { !phiBlocks.contains($0) }.count
            shifted = (stage * attentionPerStage + earlierInStage) % 2 == 1
        }
        return shifted ? window / 2 : 0
    }

    /// Input sides must be multiples of this: every level holds a whole number of windows.
    public var sizeMultiple: Int { window << levels }


    /// The ranges a weight file's config must lie in. A file from anywhere is checked against them before
    /// anything is allocated: they hold every model this project trains with room to grow, and keep every
    /// size computed from them (channels << levels, window * window, the tile workspaces) far from overflow.
    public enum Limits {
        public static let channels = 1...256
        public static let levels = 1...6
        public static let depth = 1...16
        public static let window = 1...64
        public static let ratio = 1...16           // mlp_ratio and phi_ratio
        public static let frames = 1...15
        public static let fusionWidth = 0...256
        public static let bottleneckChannels = 4096 // channels << levels
        /// Multiply-accumulates per pixel: 60x the `quality` preset (163 k).
        public static let macsPerPixel = 10_000_000.0
    }

    /// A description of what is wrong, or nil when the config can be built.
    public var problem: String? {
        func outside(_ name: String, _ value: Int, _ range: ClosedRange<Int>) -> String? {
            range.contains(value) ? nil : "\(name) \(value) outside \(range.lowerBound)...\(range.upperBound)"
        }
        if let problem = outside("width", channels, Limits.channels) ?? outside("levels", levels, Limits.levels)
            ?? outside("depth", depth, Limits.depth) ?? outside("window", window, Limits.window)
            ?? outside("mlp_ratio", mlpRatio, Limits.ratio) ?? outside("phi_ratio", phiRatio, Limits.ratio)
            ?? outside("phi_kernel", phiKernel, 1...DepthwiseConv.maxKernel) ?? outside("frames", frames, Limits.frames)
            ?? outside("fusion_width", fusionWidth, Limits.fusionWidth) {
            return problem
        }
        if phiKernel % 2 == 0 { return "phi_kernel \(phiKernel) is even (must be odd)" }
        if frames % 2 == 0 { return "frames \(frames) is even (the restored frame is the middle one)" }
        if inChannels != 3 * frames + 1 || outChannels != 3 {
            return "expects \(3 * frames + 1) input channels (RGB of \(frames) frame(s) and the noise level) and 3 output channels"
        }
        if (frames > 1) != (fusionWidth > 0) {
            return "fusion_width \(fusionWidth) with \(frames) frame(s): a temporal model needs a fusion branch, an image model none"
        }
        if alignment != .none && frames == 1 { return "alignment \(alignment.rawValue) on an image model (one frame)" }
        if prefilter != .none && alignment != .block { return "prefilter \(prefilter.rawValue) needs block alignment" }
        if channels << levels > Limits.bottleneckChannels {
            return "width \(channels) << levels \(levels) = \(channels << levels) channels, above \(Limits.bottleneckChannels)"
        }
        if let j = phiBlocks.first(where: { $0 < 1 || $0 >= depth }) { return "phi block \(j) outside 1..<\(depth)" }
        if Set(phiBlocks).count != phiBlocks.count { return "phi_blocks \(phiBlocks) repeats a block" }
        if macsPerPixel > Limits.macsPerPixel {
            return "the model costs \(Int(macsPerPixel)) multiply-adds per pixel, above the limit \(Int(Limits.macsPerPixel))"
        }
        return nil
    }
}
