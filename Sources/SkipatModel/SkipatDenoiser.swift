import Engine
import Foundation

/// Receives named intermediate activations (channel-last, shape [h, w, c]) during a forward pass;
/// the parity tests compare them with the PyTorch reference's.
public typealias ForwardTrace = (_ name: String, _ values: UnsafePointer<Float>, _ shape: [Int]) -> Void

/// The U-shaped SKIPAT restoration transformer (docs/design.md, section 2), built from a weight file.
/// Immutable and shareable across threads; each thread brings its own `Workspace`.
public final class SkipatDenoiser: Sendable {
    public let config: ModelConfig
    public let metadata: [String: String]
    /// The precision its matrix products run in on this CPU.
    public let precision: MatrixPrecision
    let inputProjection: Conv2d                 // (C, 3, 3, 3T+1): every frame's RGB + the noise level
    let fusion: (input: Conv2d, output: Conv2d)?  // temporal models: (F, 3, 3, 3T+1), (C, 3, 3, F)
    let encoders: [Stage]                       // level i at width C*2^i
    let downsamples: [Conv2d]                   // (C*2^(i+1), 4, 4, C*2^i), stride 2
    let bottleneck: Stage                       // width C*2^L
    let upsamples: [ConvTranspose2x2]           // (in, 2, 2, C*2^i)
    let decoders: [Stage]                       // level i at width 2*C*2^i
    let outputProjection: Conv2d                // (3, 3, 3, 2C)

    public convenience init(weightBytes: Data, source: String, precision: MatrixPrecision = .float32) throws {
        try self.init(weights: try WeightFile(bytes: weightBytes, source: source), precision: precision)
    }

    /// `precision`: of the transformer's matrix products (its Linear layers and the attention's two products);
    /// the convolutions stay float32. `.bfloat16` runs them in bf16 where the CPU has AVX-512 BF16, `.int8`
    /// also the wider Linear layers in int8 (MatrixPrecision).
    public init(weights: WeightFile, precision: MatrixPrecision = .float32) throws {
        let cfg = weights.config, c = cfg.channels, levels = cfg.levels
        var r = WeightReader(weights, precision: precision)
        // What runs, not what was asked: reduced precisions fall back where the CPU lacks their kernels.
        self.precision = precision.supported
        config = cfg
        metadata = weights.metadata
        inputProjection = Conv2d(weight: try r("input_proj.weight", c, 3, 3, cfg.inChannels),
                                 bias: try r("input_proj.bias", c), stride: 1, padding: 1)
        if cfg.frames > 1 {
            let f = cfg.fusionWidth
            fusion = (Conv2d(weight: try r("fusion_in.weight", f, 3, 3, cfg.inChannels), bias: try r("fusion_in.bias", f),
                             stride: 1, padding: 1),
                      Conv2d(weight: try r("fusion_out.weight", c, 3, 3, f), bias: try r("fusion_out.bias", c),
                             stride: 1, padding: 1))
        } else {
            fusion = nil
        }
        encoders = try (0..<levels).map { try Stage(&r, name: "encoders.\($0)", position: $0, width: c << $0, heads: 1 << $0, config: cfg) }
        downsamples = try (0..<levels).map { i in
            Conv2d(weight: try r("downs.\(i).weight", c << (i + 1), 4, 4, c << i), bias: try r("downs.\(i).bias", c << (i + 1)),
                   stride: 2, padding: 1)
        }
        bottleneck = try Stage(&r, name: "bottleneck", position: levels, width: c << levels, heads: 1 << levels, config: cfg)
        upsamples = try (0..<levels).map { i in
            let inChannels = i == levels - 1 ? c << levels : 2 * c << (i + 1)
            return ConvTranspose2x2(weight: try r("ups.\(i).weight", inChannels, 2, 2, c << i), bias: try r("ups.\(i).bias", c << i))
        }
        decoders = try (0..<levels).map { try Stage(&r, name: "decoders.\($0)", position: 2 * levels - $0, width: 2 * c << $0, heads: 2 << $0, config: cfg) }
        outputProjection = Conv2d(weight: try r("output_proj.weight", cfg.outChannels, 3, 3, 2 * c),
                                  bias: try r("output_proj.bias", cfg.outChannels), stride: 1, padding: 1)
        try r.finish()
    }

    /// A workspace sized for this model (slots grow on first use).
    public func makeWorkspace() -> Workspace { Workspace(slots: Slot.count(levels: config.levels)) }

    /// One tile: input (h, w, 3T+1) = the noisy RGB of T frames in [0,1] (frame t in channels 3t..3t+2) and
    /// sigma/255, channel-last -> output (h, w, 3), the centre frame restored (T = 1: an image model, (h, w, 4)).
    /// h and w must be positive multiples of `config.sizeMultiple`.
    public func forward(_ input: UnsafePointer<Float>, height: Int, width: Int, into output: UnsafeMutablePointer<Float>,
                        workspace: Workspace, trace: ForwardTrace? = nil) {
        let m = config.sizeMultiple, c = config.channels, levels = config.levels
        precondition(height > 0 && width > 0 && height % m == 0 && width % m == 0, "tile \(height)x\(width) is not a multiple of \(m)")
        func size(_ level: Int) -> (h: Int, w: Int) { (height >> level, width >> level) }
        func skip(_ level: Int) -> UnsafeMutablePointer<Float> {
            workspace.buffer(Slot.skip.rawValue + level, count: size(level).h * size(level).w * (c << level))
        }
        func columns(_ count: Int) -> UnsafeMutablePointer<Float> { workspace.buffer(Slot.columns.rawValue, count: count) }

        // Input: input_proj over every frame and the noise level, plus (temporal models) the fusion branch;
        // then LeakyReLU.
        let pixels = height * width, channelsIn = config.inChannels, centre = 3 * config.centreFrame
        var current = skip(0)
        inputProjection(input, height: height, width: width, into: current,
                        scratch: columns(inputProjection.scratchCount(height: height, width: width)))
        if let fusion {
            let hidden = workspace.buffer(Slot.fusion.rawValue, count: pixels * fusion.input.outChannels)
            fusion.input(input, height: height, width: width, into: hidden,
                         scratch: columns(fusion.input.scratchCount(height: height, width: width)))
            leakyReLU(hidden, count: pixels * fusion.input.outChannels, slope: 0.2)
            trace?("fusion_in", hidden, [height, width, fusion.input.outChannels])
            let fused = workspace.buffer(Slot.upsampled.rawValue, count: pixels * c)  // free until the decoder
            fusion.output(hidden, height: height, width: width, into: fused,
                          scratch: columns(fusion.output.scratchCount(height: height, width: width)))
            addInPlace(current, fused, count: pixels * c)
        }
        leakyReLU(current, count: pixels * c, slope: 0.2)
        trace?("input_proj", current, [height, width, c])
        for level in 0..<levels {
            let (h, w) = size(level)
            encoders[level](current, height: h, width: w, workspace, trace: trace)
            let next = level + 1 < levels ? skip(level + 1) : workspace.buffer(Slot.x.rawValue, count: height * width * 2 * c)
            downsamples[level](current, height: h, width: w, into: next,
                               scratch: columns(downsamples[level].scratchCount(height: h, width: w)))
            trace?("downs.\(level)", next, [h / 2, w / 2, c << (level + 1)])
            current = next
        }
        bottleneck(current, height: size(levels).h, width: size(levels).w, workspace, trace: trace)

        // Decoder: upsample, concatenate the skip, run the stage in place in the x buffer.
        for level in (0..<levels).reversed() {
            let (h, w) = size(level), up = upsamples[level]
            let upsampled = workspace.buffer(Slot.upsampled.rawValue, count: h * w * up.outChannels)
            up(current, height: h / 2, width: w / 2, into: upsampled, scratch: columns(up.scratchCount(height: h / 2, width: w / 2)))
            trace?("ups.\(level)", upsampled, [h, w, up.outChannels])
            concatChannels(upsampled, up.outChannels, skip(level), c << level, into: current, rows: h * w)
            decoders[level](current, height: h, width: w, workspace, trace: trace)
        }

        // Output projection plus the global residual (the noisy RGB of the centre frame).
        outputProjection(current, height: height, width: width, into: output,
                         scratch: columns(outputProjection.scratchCount(height: height, width: width)))
        let channelsOut = config.outChannels
        for p in 0..<pixels {
            for ch in 0..<channelsOut { output[p * channelsOut + ch] += input[p * channelsIn + centre + ch] }
        }
        trace?("output", output, [height, width, channelsOut])
    }
}
