import CKernels
import Engine
import Foundation
import Imaging
import Testing

/// Each fast kernel against its naive twin in `Reference`, on seeded random data. Kernels with several
/// compiled builds (AVX-512, AVX2+FMA, portable) are checked in every build this CPU can run, selected
/// on the test's thread only (KernelBuild.with), so other suites running meanwhile keep the best build.
@Suite(.serialized) struct KernelTests {
    /// Max abs error allowed between fast (float32, reordered sums) and reference (Double) kernels,
    /// for values of order 1.
    static let tolerance: Float = 1e-4

    var rng = SplitMix64(seed: 7)

    mutating func random(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in (rng.nextUnit() * 2 - 1) * scale }
    }

    mutating func tensor(_ shape: [Int], scale: Float = 0.3) -> Tensor {
        Tensor(shape: shape, storage: random(shape.reduce(1, *), scale: scale))
    }

    func expectClose(_ a: [Float], _ b: [Float], _ what: String) {
        #expect(a.count == b.count)
        let error = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        #expect(error <= Self.tolerance, "\(what): max abs error \(error)")
    }

    /// (rows, in, out): row counts that leave partial row tiles in every build (8, 6, 2 rows), outputs with an
    /// odd panel count and a partial last panel (16 features each; at most 8 valid ones take the half-panel
    /// tile: 40, 3, 8, 24), tiny and deeper k.
    @Test(arguments: KernelBuild.supported, [(37, 24, 40), (16, 16, 16), (5, 3, 3), (50, 96, 64), (13, 7, 48),
                                            (29, 32, 8), (11, 8, 24), (9, 16, 12)])
    mutating func linear(build: KernelBuild, shape: (Int, Int, Int)) {
        KernelBuild.with(build) { checkLinear(shape: shape, build: build) }
    }

    mutating func checkLinear(shape: (Int, Int, Int), build: KernelBuild) {
        let (rows, inF, outF) = shape
        let x = random(rows * inF)
        for layer in [Linear(weight: tensor([outF, inF]), bias: tensor([outF])), Linear(weight: tensor([outF, inF]), bias: nil)] {
            var y = [Float](repeating: .nan, count: rows * outF)
            let expected = Reference.linear(x, rows: rows, weight: layer.weight, bias: layer.bias)
            layer(x, rows: rows, into: &y)
            expectClose(y, expected, "linear \(shape) bias \(layer.bias != nil) (\(build))")
            layer(x, rows: rows, into: &y, gelu: true)
            expectClose(y, Reference.gelu(expected), "linear + GELU \(shape) (\(build))")
        }
    }

    /// The bfloat16 Linear against its twin on bf16-rounded inputs and weights (Double sums; the products of
    /// two bf16 values are exact in float32, so only the summation order differs: tolerance 1e-4 as above).
    /// In the AVX-512 build on a CPU with AVX-512 BF16 this is the vector kernel, elsewhere its scalar twin.
    /// Shapes as above plus inputs that leave a masked tail after whole 32-input blocks (40, 70), odd input
    /// counts (a zero-padded last pair: 3, 7, and 45 and 77 after whole blocks), and a deep layer (512, the
    /// widest in `quality`).
    @Test(arguments: KernelBuild.supported, [(37, 24, 40), (16, 16, 16), (5, 3, 3), (50, 96, 64), (13, 7, 48),
                                            (29, 32, 8), (11, 8, 24), (9, 16, 12), (10, 40, 20), (17, 70, 33),
                                            (7, 45, 20), (5, 77, 16), (8, 512, 128)])
    mutating func linearBFloat16(build: KernelBuild, shape: (Int, Int, Int)) {
        KernelBuild.with(build) {
            let (rows, inF, outF) = shape
            let x = random(rows * inF)
            for layer in [Linear(weight: tensor([outF, inF]), bias: tensor([outF]), precision: .bfloat16),
                          Linear(weight: tensor([outF, inF]), bias: nil, precision: .bfloat16)] {
                var y = [Float](repeating: .nan, count: rows * outF)
                let expected = Reference.linearBFloat16(x, rows: rows, weight: layer.weight, bias: layer.bias)
                layer.bfloat16Product(x, rows: rows, into: &y)
                expectClose(y, expected, "bfloat16 linear \(shape) bias \(layer.bias != nil) (\(build))")
                layer.bfloat16Product(x, rows: rows, into: &y, gelu: true)
                expectClose(y, Reference.gelu(expected), "bfloat16 linear + GELU \(shape) (\(build))")
                // The layer's own call runs bf16 exactly where the vector kernel can, else float32.
                layer(x, rows: rows, into: &y)
                let runsBFloat16 = build == .avx512 && MatrixPrecision.bfloat16Supported
                expectClose(y, runsBFloat16 ? expected : Reference.linear(x, rows: rows, weight: layer.weight, bias: layer.bias),
                            "bfloat16 layer call \(shape) (\(build))")
            }
        }
    }

    /// The int8 Linear against its twin: the integer sums are exact and the scaling is the same Float
    /// operations, so every build (VNNI, AVX2, scalar) must give the reference's bits (tolerance 0); with
    /// GELU, whose polynomial each build evaluates in its own vector width, 1e-4 as above. Shapes as for the
    /// bfloat16 kernel, plus inputs that are not a multiple of 4 (a zero-padded last quad: 3, 7, 45, 77),
    /// below the 8-wide quantization loop (3, 5), and layers wide enough for int8 to run in the layer call.
    @Test(arguments: KernelBuild.supported, [(37, 24, 40), (16, 16, 16), (5, 3, 3), (50, 96, 64), (13, 7, 48),
                                            (29, 32, 8), (11, 8, 24), (9, 16, 12), (10, 40, 20), (17, 70, 33),
                                            (7, 45, 20), (5, 77, 16), (8, 512, 128), (12, 5, 64), (9, 64, 192)])
    mutating func linearInt8(build: KernelBuild, shape: (Int, Int, Int)) {
        KernelBuild.with(build) {
            let (rows, inF, outF) = shape
            var x = random(rows * inF)
            for i in 0..<inF { x[i] = 0 }                                                // a row of zeros: scale 1
            if rows > 2 { for i in 0..<inF { x[inF + i] = abs(x[inF + i]) + 0.5 } }  // all positive: zero point 0
            for layer in [Linear(weight: tensor([outF, inF]), bias: tensor([outF]), precision: .int8),
                          Linear(weight: tensor([outF, inF]), bias: nil, precision: .int8)] {
                var y = [Float](repeating: .nan, count: rows * outF)
                let expected = Reference.linearInt8(x, rows: rows, weight: layer.weight, bias: layer.bias)
                layer.int8Product(x, rows: rows, into: &y)
                let mismatches = zip(y, expected).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(mismatches == 0, "int8 linear \(shape) bias \(layer.bias != nil) (\(build)): \(mismatches) outputs differ")
                layer.int8Product(x, rows: rows, into: &y, gelu: true)
                expectClose(y, Reference.gelu(expected), "int8 linear + GELU \(shape) (\(build))")
                // The layer's own call runs int8 exactly where it pays, else what a bfloat16 layer runs.
                let other = Linear(weight: layer.weight, bias: layer.bias, precision: .bfloat16)
                var z = [Float](repeating: .nan, count: rows * outF)
                layer(x, rows: rows, into: &y)
                other(x, rows: rows, into: &z)
                let runsInt8 = sk_int8_pays(Int32(inF), Int32(outF)) != 0
                #expect(layer.activePrecision == (runsInt8 ? .int8 : other.activePrecision))
                #expect(y == (runsInt8 ? expected : z), "int8 layer call \(shape) (\(build))")
            }
        }
    }

    /// The error int8 costs, on inputs spread like a LayerNorm's output: the outputs' RMS error within 1.5% of
    /// their RMS (8-bit inputs, 7-bit weights: about 0.8% on such layers). A scale or zero point off by one
    /// level, or a weight row quantized against another row's scale, moves it past that.
    @Test mutating func int8ErrorIsSmall() {
        let (rows, inF, outF) = (64, 128, 96)
        let x = random(rows * inF, scale: 2), layer = Linear(weight: tensor([outF, inF]), bias: nil, precision: .int8)
        let exact = Reference.linear(x, rows: rows, weight: layer.weight, bias: nil)
        var y = [Float](repeating: .nan, count: rows * outF)
        layer.int8Product(x, rows: rows, into: &y)
        let error = zip(y, exact).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +)
        let power = exact.map { Double($0) * Double($0) }.reduce(0, +)
        #expect((error / power).squareRoot() < 0.015, "relative RMS error \((error / power).squareRoot())")
    }

    /// A NaN quantizes to 0 (not undefined behaviour) in every build, and the other rows are untouched.
    @Test(arguments: KernelBuild.supported) func int8SurvivesNaN(build: KernelBuild) {
        KernelBuild.with(build) {
            let layer = Linear(weight: Tensor(shape: [32, 64], storage: Array(repeating: 0.1, count: 32 * 64)), bias: nil, precision: .int8)
            var x = [Float](repeating: 0.5, count: 4 * 64)
            x[3] = .nan
            var y = [Float](repeating: 0, count: 4 * 32)
            layer.int8Product(x, rows: 4, into: &y)
            #expect(y[32...].allSatisfy { abs($0 - 3.2) < 0.05 }, "rows 1-3: 64 x 0.5 x 0.1")
        }
    }

    /// Rounding to bfloat16 (C, used by the packing and the scalar twin) against the reference: ties to even,
    /// carries into the exponent, infinities, NaN, signed zero, and random values.
    @Test mutating func bfloat16Rounding() {
        let edges: [Float] = [1, 1 + 1.0 / 128, 1 + 1.0 / 256, 1 + 3.0 / 256, 1 + 1.0 / 256 + 1e-6, 2 - 1.0 / 512,
                              -1.5, 0, -0.0, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
        for x in edges + random(1000, scale: 100) {
            let rounded = sk_bf16_value(sk_bf16_round(x)), expected = Reference.bfloat16(x)
            #expect(rounded.bitPattern == expected.bitPattern, "\(x): \(rounded) vs \(expected)")
        }
        // bf16 keeps 8 significant bits: its spacing above 1 is 1/128.
        #expect(Reference.bfloat16(1 + 1.0 / 256) == 1)              // a tie goes to the even neighbour
        #expect(Reference.bfloat16(1 + 3.0 / 256) == 1 + 1.0 / 64)   // ... which here is the one above
        #expect(Reference.bfloat16(1 + 1.0 / 256 + 1e-6) == 1 + 1.0 / 128)
        #expect(Reference.bfloat16(2 - 1.0 / 512) == 2)              // the carry reaches the exponent
        #expect(sk_bf16_value(sk_bf16_round(.nan)).isNaN)
    }

    /// Layers wider than the reduced-precision kernels take keep float32 weights only.
    @Test func wideLayersStayFloat32() {
        let inputs = Int(max(SK_MAX_BF16_INPUTS, SK_MAX_INT8_INPUTS)) + 2
        let wide = Linear(weight: Tensor(shape: [1, inputs], storage: Array(repeating: 0.1, count: inputs)), bias: nil, precision: .int8)
        #expect(!wide.hasBFloat16Weights && !wide.hasInt8Weights && wide.activePrecision == .float32)
        let narrow = Linear(weight: Tensor(shape: [1, 8], storage: Array(repeating: 0.1, count: 8)), bias: nil, precision: .int8)
        #expect(narrow.hasBFloat16Weights && narrow.hasInt8Weights)
    }

    /// im2col (the first two) and per-tap products (stride 1, fewer outputs than inputs: the last two, one with
    /// more padding than k/2, so some output pixels see no input row at all). Every build: both paths end in
    /// the packed Linear kernel. Shapes: (kernel, stride, padding, in, out).
    @Test(arguments: KernelBuild.supported, [(3, 1, 1, 4, 8), (4, 2, 1, 8, 16), (3, 1, 1, 32, 3), (3, 1, 3, 20, 5)])
    mutating func conv2d(build: KernelBuild, shape: (Int, Int, Int, Int, Int)) {
        KernelBuild.with(build) { checkConv2d(shape: shape, build: build) }
    }

    mutating func checkConv2d(shape: (Int, Int, Int, Int, Int), build: KernelBuild) {
        let (kernel, stride, padding, cin, cout) = shape
        let (h, w) = (12, 10)
        let x = random(h * w * cin)
        let conv = Conv2d(weight: tensor([cout, kernel, kernel, cin]), bias: tensor([cout]), stride: stride, padding: padding)
        let (oh, ow) = conv.outputSize(height: h, width: w)
        var y = [Float](repeating: .nan, count: oh * ow * cout)
        var scratch = [Float](repeating: 0, count: conv.scratchCount(height: h, width: w))
        conv(x, height: h, width: w, into: &y, scratch: &scratch)
        expectClose(y, Reference.conv2d(x, height: h, width: w, weight: conv.weight, bias: conv.bias,
                                         stride: stride, padding: padding), "conv \(kernel)x\(kernel)/\(stride) (\(build))")
    }

    /// 4 * 6 = 24 sub-pixel outputs: one full panel of 16 and a half panel.
    @Test(arguments: KernelBuild.supported)
    mutating func convTranspose(build: KernelBuild) {
        KernelBuild.with(build) { checkConvTranspose(build: build) }
    }

    mutating func checkConvTranspose(build: KernelBuild) {
        let (h, w, cin, cout) = (5, 7, 12, 6)
        let x = random(h * w * cin)
        let up = ConvTranspose2x2(weight: tensor([cin, 2, 2, cout]), bias: tensor([cout]))
        var y = [Float](repeating: .nan, count: 4 * h * w * cout)
        var scratch = [Float](repeating: 0, count: up.scratchCount(height: h, width: w))
        up(x, height: h, width: w, into: &y, scratch: &scratch)
        expectClose(y, Reference.convTranspose2x2(x, height: h, width: w, weight: up.weight, bias: up.bias),
                    "transposed conv (\(build))")
    }

    /// 3 and 5 take the register-tiled interior path (groups of outputs, a partial group, a channel tail of 4),
    /// 7 only the per-pixel path.
    @Test(arguments: KernelBuild.supported, [3, 5, 7])
    mutating func depthwise(build: KernelBuild, kernel: Int) {
        KernelBuild.with(build) { checkDepthwise(kernel: kernel, build: build) }
    }

    mutating func checkDepthwise(kernel: Int, build: KernelBuild) {
        let (h, w, c) = (9, 11, 20)
        let x = random(h * w * c)
        let conv = DepthwiseConv(weight: tensor([kernel, kernel, c]), bias: tensor([c]))
        var y = [Float](repeating: .nan, count: h * w * c)
        conv(x, height: h, width: w, into: &y)
        expectClose(y, Reference.depthwiseConv(x, height: h, width: w, weight: conv.weight, bias: conv.bias), "depthwise \(kernel) (\(build))")
        conv(x, height: h, width: w, into: &y, gelu: true)
        expectClose(y, Reference.gelu(Reference.depthwiseConv(x, height: h, width: w, weight: conv.weight, bias: conv.bias)),
                    "depthwise \(kernel) + GELU (\(build))")
    }

    @Test(arguments: KernelBuild.supported, [3, 5])
    mutating func convFeedForward(build: KernelBuild, kernel: Int) {
        KernelBuild.with(build) { checkConvFeedForward(kernel: kernel, build: build) }
    }

    /// The row-streamed feed-forward against the whole-grid composition of the reference twins, into a separate
    /// buffer and in place; grids shorter than the kernel and one token wide included.
    mutating func checkConvFeedForward(kernel: Int, build: KernelBuild) {
        let (inF, hidden) = (12, 40)
        let block = ConvFeedForward(fc1: Linear(weight: tensor([hidden, inF]), bias: tensor([hidden])),
                                    dwconv: DepthwiseConv(weight: tensor([kernel, kernel, hidden]), bias: tensor([hidden])),
                                    fc2: Linear(weight: tensor([inF, hidden]), bias: tensor([inF])))
        for (h, w) in [(7, 9), (2, 5), (6, 1)] {
            let x = random(h * w * inF)
            var expected = Reference.gelu(Reference.linear(x, rows: h * w, weight: block.fc1.weight, bias: block.fc1.bias))
            expected = Reference.gelu(Reference.depthwiseConv(expected, height: h, width: w, weight: block.dwconv.weight,
                                                              bias: block.dwconv.bias))
            expected = Reference.linear(expected, rows: h * w, weight: block.fc2.weight, bias: block.fc2.bias)
            var scratch = [Float](repeating: .nan, count: block.scratchCount(width: w))
            var y = [Float](repeating: .nan, count: h * w * inF)
            block(x, height: h, width: w, into: &y, scratch: &scratch)
            expectClose(y, expected, "conv feed-forward k\(kernel) \(h)x\(w) (\(build))")
            var inPlace = x
            inPlace.withUnsafeMutableBufferPointer { b in
                block(b.baseAddress!, height: h, width: w, into: b.baseAddress!, scratch: &scratch)
            }
            expectClose(inPlace, expected, "conv feed-forward in place k\(kernel) \(h)x\(w) (\(build))")
        }
        // Output width different from the input's (not in place).
        let (h, w, outF) = (5, 6, 7)
        let narrow = ConvFeedForward(fc1: block.fc1, dwconv: block.dwconv,
                                     fc2: Linear(weight: tensor([outF, hidden]), bias: nil))
        let x = random(h * w * inF)
        var expected = Reference.gelu(Reference.linear(x, rows: h * w, weight: narrow.fc1.weight, bias: narrow.fc1.bias))
        expected = Reference.gelu(Reference.depthwiseConv(expected, height: h, width: w, weight: narrow.dwconv.weight,
                                                          bias: narrow.dwconv.bias))
        expected = Reference.linear(expected, rows: h * w, weight: narrow.fc2.weight, bias: nil)
        var scratch = [Float](repeating: .nan, count: narrow.scratchCount(width: w))
        var y = [Float](repeating: .nan, count: h * w * outF)
        narrow(x, height: h, width: w, into: &y, scratch: &scratch)
        expectClose(y, expected, "conv feed-forward \(inF) -> \(outF) k\(kernel) (\(build))")
    }

    @Test(arguments: KernelBuild.supported)
    mutating func layerNorm(build: KernelBuild) {
        KernelBuild.with(build) { checkLayerNorm(build: build) }
    }

    mutating func checkLayerNorm(build: KernelBuild) {
        let (rows, c) = (50, 24)
        let x = random(rows * c, scale: 3).map { $0 + 2 }
        let norm = LayerNorm(weight: tensor([c], scale: 1), bias: tensor([c]))
        var y = [Float](repeating: .nan, count: rows * c)
        norm(x, rows: rows, into: &y)
        expectClose(y, Reference.layerNorm(x, rows: rows, weight: norm.weight, bias: norm.bias), "layer norm (\(build))")

        let residual = random(rows * c)
        var summed = x
        norm.addingResidual(residual, to: &summed, rows: rows, into: &y)
        let expectedSum = zip(x, residual).map { $0 + $1 }
        expectClose(summed, expectedSum, "residual add (\(build))")
        expectClose(y, Reference.layerNorm(expectedSum, rows: rows, weight: norm.weight, bias: norm.bias), "add + layer norm (\(build))")
    }

    @Test(arguments: KernelBuild.supported)
    mutating func geluAcrossItsRange(build: KernelBuild) {
        // The edge values lead (whole 16-lane vectors) and trail (the scalar tail): both forms see them.
        let edges: [Float] = [0, -0.0, 1e-8, -12, 12, 30, -30, 3.9, -3.9, 5.6, -5.6, 1e-30, -1e-30, 100, -100, 0.5]
        var x = edges + random(4000, scale: 9)
        x += edges.prefix(7)
        var y = x
        KernelBuild.with(build) { gelu(&y, count: y.count) }
        // Tolerance: the fit's float32 error (Scripts/fit_gelu.py prints 1.5e-6) with margin, absolute up to
        // |x| = 1 and relative beyond (past the clamp GELU(x) = x to the normal tail, 1.3e-6).
        let worst = zip(x, zip(y, Reference.gelu(x))).map { abs($1.0 - $1.1) / max(1, abs($0)) }.max() ?? 0
        #expect(worst <= 2e-6, "gelu (\(build)): max error \(worst) (absolute, relative past |x| = 1)")
    }

    @Test mutating func eca() {
        let (rows, c) = (64, 10)
        let x = random(rows * c, scale: 2)
        let weight = tensor([3], scale: 1)
        var y = x
        var scratch = [Float](repeating: 0, count: 2 * c)
        efficientChannelAttention(&y, rows: rows, channels: c, weight: weight, scratch: &scratch)
        expectClose(y, Reference.eca(x, rows: rows, channels: c, weight: weight), "eca")
    }

    /// Plain, shifted (masked) and whole-grid windows, one and several heads; window rows of 16, 64, 36
    /// (the softmax's 16-lane max has a scalar tail) and 9 tokens (scalar only), and 144 and 256. 16-dim heads
    /// on 16, 64 and 256 tokens go through the SIMD builds' row-block kernel instead of BLAS, reading the bias
    /// from the reversed table on 16x16 windows; 8-dim heads on any token count that is a multiple of 8
    /// (16, 64, 144, 256) likewise, from the reversed table when the window side is a multiple of 8.
    @Test(arguments: KernelBuild.supported,
          [(16, 16, 8, 1, 4, 0), (16, 16, 8, 2, 4, 2), (24, 16, 12, 3, 8, 4), (4, 4, 8, 2, 8, 4),
           (12, 12, 8, 2, 6, 3), (3, 3, 8, 1, 8, 4),
           (16, 16, 16, 1, 8, 0), (16, 32, 48, 3, 8, 4), (32, 32, 32, 2, 16, 8),
           // 16-dim heads on 16x16 windows read the bias from the reversed table: whole table, and a grid
           // smaller than the table's window
           (32, 32, 16, 1, 16, 0), (16, 16, 16, 1, 32, 0),
           // 8-dim heads (the fast preset): 8x8 windows plain and shifted from the reversed table, 16x16
           // likewise, 12x12 (window side not a multiple of 8) from the dense bias, and a grid smaller than
           // the table's window
           (16, 16, 8, 1, 8, 0), (16, 24, 16, 2, 8, 4), (32, 32, 24, 3, 16, 8), (24, 24, 16, 2, 12, 6),
           (16, 16, 8, 1, 16, 0)])
    mutating func windowAttention(build: KernelBuild, shape: (Int, Int, Int, Int, Int, Int)) {
        let attention = AttentionCase(shape, &self)
        expectClose(attention.run(build, bfloat16: false), attention.reference(bfloat16Products: false),
                    "attention \(attention) (\(build))")
    }

    /// Random qkv and bias table for (h, w, c, heads, window, shift), run through the kernel and the reference.
    struct AttentionCase: CustomStringConvertible {
        let (h, w, c, heads, window, shift): (Int, Int, Int, Int, Int, Int)
        let qkv: [Float], table: Tensor

        init(_ shape: (Int, Int, Int, Int, Int, Int), _ tests: inout KernelTests) {
            (h, w, c, heads, window, shift) = shape
            qkv = tests.random(h * w * 3 * c, scale: 2)
            table = tests.tensor([(2 * window - 1) * (2 * window - 1), heads], scale: 1)
        }

        var description: String { "\(h)x\(w) window \(window) shift \(shift)" }

        func run(_ build: KernelBuild, bfloat16: Bool) -> [Float] {
            let geometry = windowGeometry(height: h, width: w, window: window, shift: shift)
            var out = [Float](repeating: .nan, count: h * w * c)
            var scratch = [Float](repeating: 0, count: windowAttentionScratchCount(channels: c, window: geometry.window))
            KernelBuild.with(build) {
                Engine.windowAttention(qkv: qkv, into: &out, height: h, width: w, channels: c, heads: heads,
                                       tableWindow: window, window: geometry.window, shift: geometry.shift,
                                       biasTable: headMajorBiasTable(table), scratch: &scratch, bfloat16: bfloat16)
            }
            return out
        }

        func reference(bfloat16Products: Bool) -> [Float] {
            Reference.windowAttention(qkv: qkv, height: h, width: w, channels: c, heads: heads, window: window,
                                      shift: shift, biasTable: table, bfloat16Products: bfloat16Products)
        }
    }

    /// The attention's bf16 products (16-dim heads, 8x8 and 16x16 windows) against the reference rounding
    /// what the kernel rounds. Tolerance 8e-3: besides the summation order, a softmax numerator within float
    /// error of a bf16 rounding boundary may round the other way on one side: one bf16 step, up to 2^-8 of
    /// a weight near 1, times |v| <= 2 over a row sum >= 1 (the row max contributes 1); a wrong pairing of
    /// dims or keys errs by tenths (measured: 1.07 and 1.47). Where the bf16 products cannot run (no AVX-512
    /// BF16, or another build selected) the kernel must give the float32 result. Shapes: 16x16 windows from the
    /// reversed table, plain and shifted (masks); 8x8 windows from the dense bias, shifted; 3 heads.
    @Test(arguments: KernelBuild.supported, [(32, 32, 16, 1, 16, 0), (32, 32, 32, 2, 16, 8), (16, 16, 16, 1, 8, 0),
                                             (16, 32, 48, 3, 8, 4)])
    mutating func windowAttentionBFloat16(build: KernelBuild, shape: (Int, Int, Int, Int, Int, Int)) {
        let attention = AttentionCase(shape, &self)
        let reduced = attention.run(build, bfloat16: true), what = "bf16 attention \(attention) (\(build))"
        if build == .avx512 && MatrixPrecision.bfloat16Supported {
            let error = zip(reduced, attention.reference(bfloat16Products: true)).map { abs($0 - $1) }.max() ?? 0
            #expect(error <= 8e-3, "\(what): max abs error \(error)")
            #expect(reduced != attention.run(build, bfloat16: false), "\(what): the bf16 products did not run")
        } else {
            #expect(reduced == attention.run(build, bfloat16: false), "\(what): must be the float32 result here")
        }
    }

    @Test func selectingABuildIsScopedAndClamped() {
        let best = KernelBuild.current
        #expect(KernelBuild.supported.last == best)
        for build in KernelBuild.supported {
            #expect(KernelBuild.with(build) { KernelBuild.current } == build)
            #expect(KernelBuild.current == best)
        }
        #expect(KernelBuild.with(.avx512) { KernelBuild.current } <= best)  // never above what the CPU runs
        // Only the calling thread: another thread meanwhile runs the process's build.
        final class Seen: @unchecked Sendable { var build: KernelBuild? }
        let seen = Seen(), done = DispatchSemaphore(value: 0)
        KernelBuild.with(.portable) {
            Thread { seen.build = KernelBuild.current; done.signal() }.start()
            done.wait()
        }
        #expect(seen.build == best)
    }

    @Test func workspaceReusesSlots() {
        let ws = Workspace(slots: 2)
        let a = ws.buffer(0, count: 100)
        #expect(ws.buffer(0, count: 50) == a)
        _ = ws.buffer(0, count: 200)
        _ = ws.buffer(1, count: 10)
        #expect(ws.allocationCount == 3)
        #expect(ws.bytes == 210 * 4)
    }
}

@Suite struct EigenTests {
    @Test func lapackMatchesJacobi() {
        var rng = SplitMix64(seed: 3)
        let n = 12
        let b = (0..<(n * n)).map { _ in Double(rng.nextUnit()) - 0.5 }
        var a = [Double](repeating: 0, count: n * n)  // B B^T: symmetric positive semi-definite
        for i in 0..<n { for j in 0..<n { for k in 0..<n { a[i * n + j] += b[i * n + k] * b[j * n + k] } } }
        let fast = symmetricEigenvalues(a, n: n), reference = Reference.symmetricEigenvalues(a, n: n)
        let error = zip(fast, reference).map { abs($0 - $1) }.max()!
        #expect(error <= 1e-9, "max abs eigenvalue difference \(error)")  // tolerance: double precision, n = 12
        #expect(fast == fast.sorted())
    }
}
