import Engine

/// One transformer block: x = x + A(LN(x)); x = x + LeFF(LN(x)).
struct TransformerBlock: Sendable {
    /// What produces the block's attention output A.
    enum Mixer: Sendable {
        case attention(WindowAttentionLayer)  // computes W-MSA
        case phi(PhiLayer)                    // SKIPAT: approximates it from the previous block's A
    }

    let mixer: Mixer
    let norm2: LayerNorm
    let leff: LeFFLayer
}

/// `depth` blocks at one width; SKIPAT's chain of attention outputs Z_j runs inside a stage.
struct Stage: Sendable {
    let name: String
    let width: Int
    let blocks: [TransformerBlock]

    /// position: the stage's index in forward order (encoder i at i, bottleneck at L, decoder i at 2L - i).
    init(_ r: inout WeightReader, name: String, position: Int, width: Int, heads: Int, config: ModelConfig) throws {
        self.name = name
        self.width = width
        blocks = try (0..<config.depth).map { j in
            let prefix = "\(name).blocks.\(j)"
            let mixer: TransformerBlock.Mixer = config.phiBlocks.contains(j)
                ? .phi(try PhiLayer(&r, prefix: prefix, width: width, config: config))
                : .attention(try WindowAttentionLayer(&r, prefix: prefix, width: width, heads: heads,
                                                      window: config.window,
                                                      shift: config.windowShift(stage: position, block: j)))
            let norm2 = LayerNorm(weight: try r("\(prefix).norm2.weight", width), bias: try r("\(prefix).norm2.bias", width))
            return TransformerBlock(mixer: mixer, norm2: norm2, leff: try LeFFLayer(&r, prefix: prefix, width: width, config: config))
        }
    }

    /// Runs the stage in place on x (h, w, width).
    func callAsFunction(_ x: UnsafeMutablePointer<Float>, height: Int, width gridWidth: Int, _ workspace: Workspace,
                        trace: ForwardTrace?) {
        let n = height * gridWidth, count = n * width
        var zPrevious: UnsafeMutablePointer<Float>? = nil
        for (j, block) in blocks.enumerated() {
            let z = workspace.buffer((j % 2 == 0 ? Slot.zEven : Slot.zOdd).rawValue, count: count)
            switch block.mixer {
            case .attention(let attention):
                attention(x, height: height, width: gridWidth, into: z, workspace)
            case .phi(let phi):
                phi(zPrevious!, height: height, width: gridWidth, into: z, workspace)
            }
            let normed = workspace.buffer(Slot.normed.rawValue, count: count)
            block.norm2.addingResidual(z, to: x, rows: n, into: normed)  // x += A; normed = LN2(x)
            block.leff(normed, height: height, width: gridWidth, into: normed, workspace)
            addInPlace(x, normed, count: count)
            trace?("\(name).blocks.\(j)", x, [height, gridWidth, width])
            zPrevious = z
        }
    }
}
