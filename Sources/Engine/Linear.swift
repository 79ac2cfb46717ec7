import CKernels

/// y (rows, out) = x (rows, in) W^T + b, optionally followed by GELU. weight (out, in), bias (out).
/// The weights are packed once, at load, into panels of 16 output features for `sk_linear`'s register-tiled
/// kernel; `weight` keeps the PyTorch layout for the reference twin and the tests.
///
/// A layer made with `bfloat16: true` also packs its weights in bf16 pairs and runs `sk_linear_bf16`
/// whenever its vector kernel can run (AVX-512 BF16, AVX-512 build selected); otherwise, and for layers
/// with more than SK_MAX_BF16_INPUTS inputs, the float32 kernel.
public struct Linear: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    let panels: [Float]          // (ceil(out/16), in, 16), zero-padded
    let bias16: [Float]          // (ceil(out/16) * 16), zero-padded
    let bf16Panels: [UInt16]?    // (ceil(out/16), ceil(in/2), 16, 2), zero-padded
    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }
    /// Whether this layer holds bfloat16 weights (it runs them wherever the vector kernel can).
    public var hasBFloat16Weights: Bool { bf16Panels != nil }

    public init(weight: Tensor, bias: Tensor?, bfloat16: Bool = false) {
        precondition(weight.shape.count == 2 && (bias == nil || bias!.shape == [weight.shape[0]]))
        self.weight = weight
        self.bias = bias
        let (n, k) = (weight.shape[0], weight.shape[1]), panelCount = (n + 15) / 16
        var panels = [Float](repeating: 0, count: panelCount * 16 * k), bias16 = [Float](repeating: 0, count: panelCount * 16)
        weight.withPointer { w in
            withBias(bias) { b in sk_pack_linear(w, b, Int32(n), Int32(k), &panels, &bias16) }
        }
        (self.panels, self.bias16) = (panels, bias16)
        if bfloat16 && k <= Int(SK_MAX_BF16_INPUTS) {
            var packed = [UInt16](repeating: 0, count: panelCount * ((k + 1) / 2) * 32)
            weight.withPointer { sk_pack_linear_bf16($0, Int32(n), Int32(k), &packed) }
            bf16Panels = packed
        } else {
            bf16Panels = nil
        }
    }

    /// The bfloat16 products whatever the CPU (the vector kernel where it runs, else its scalar twin): for
    /// the tests. Needs a layer made with `bfloat16: true`.
    public func bfloat16Product(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, gelu: Bool = false) {
        guard let bf16Panels else { preconditionFailure("layer has no bfloat16 weights") }
        bias16.withUnsafeBufferPointer { b in
            bf16Panels.withUnsafeBufferPointer { p in
                sk_linear_bf16(x, rows, Int32(inFeatures), p.baseAddress!, b.baseAddress!, Int32(outFeatures), y, gelu ? 1 : 0)
            }
        }
    }

    /// y must not alias x.
    public func callAsFunction(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>,
                               gelu: Bool = false) {
        if bf16Panels != nil && sk_bf16_active() != 0 { return bfloat16Product(x, rows: rows, into: y, gelu: gelu) }
        bias16.withUnsafeBufferPointer { b in
            panels.withUnsafeBufferPointer { p in
                sk_linear(x, rows, Int32(inFeatures), p.baseAddress!, b.baseAddress!, Int32(outFeatures), y, gelu ? 1 : 0)
            }
        }
    }
}

/// Passes the bias pointer, or nil, to `body`.
@inlinable
func withBias<R>(_ bias: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let bias else { return body(nil) }
    return bias.withPointer { body($0) }
}
