import CKernels

/// y (rows, out) = x (rows, in) W^T + b, optionally followed by GELU. weight (out, in), bias (out).
/// The weights are packed once, at load, into panels of 16 output features for `sk_linear`'s register-tiled
/// kernel; `weight` keeps the PyTorch layout for the reference twin and the tests.
///
/// A layer made in a reduced precision packs its weights once more for each faster kernel and, per call,
/// runs the fastest one this CPU and build can: int8 (`.int8`, where `sk_int8_pays` for its shape: AVX2 or
/// AVX-512 VNNI), else bf16 pairs (`.bfloat16` or `.int8`: AVX-512 BF16, AVX-512 build selected), else
/// float32. Layers with more inputs than those kernels take stay float32.
public struct Linear: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    let panels: [Float]          // (ceil(out/16), in, 16), zero-padded
    let bias16: [Float]          // (ceil(out/16) * 16), zero-padded
    let bf16Panels: [UInt16]?    // (ceil(out/16), ceil(in/2), 16, 2), zero-padded
    let int8: Int8Weights?
    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }
    /// Whether this layer holds bfloat16 weights (it runs them wherever the vector kernel can).
    public var hasBFloat16Weights: Bool { bf16Panels != nil }
    /// Whether this layer holds int8 weights (it runs them wherever an int8 vector kernel pays).
    public var hasInt8Weights: Bool { int8 != nil }

    /// Weights as sk_pack_linear_int8 packs them.
    struct Int8Weights: Sendable {
        let panels: [Int8]          // (ceil(out/16), ceil(in/4), 16, 4), zero-padded
        let scales: [Float]         // (ceil(out/16) * 16): each feature's max |w| / 63
        let columnSums: [Int32]     // (ceil(out/16) * 16): each feature's sum of int8 weights
    }

    public init(weight: Tensor, bias: Tensor?, precision: MatrixPrecision = .float32) {
        precondition(weight.shape.count == 2 && (bias == nil || bias!.shape == [weight.shape[0]]))
        self.weight = weight
        self.bias = bias
        let (n, k) = (weight.shape[0], weight.shape[1]), panelCount = (n + 15) / 16
        var panels = [Float](repeating: 0, count: panelCount * 16 * k), bias16 = [Float](repeating: 0, count: panelCount * 16)
        weight.withPointer { w in
            withBias(bias) { b in sk_pack_linear(w, b, Int32(n), Int32(k), &panels, &bias16) }
        }
        (self.panels, self.bias16) = (panels, bias16)
        if precision != .float32 && k <= Int(SK_MAX_BF16_INPUTS) {
            var packed = [UInt16](repeating: 0, count: panelCount * ((k + 1) / 2) * 32)
            weight.withPointer { sk_pack_linear_bf16($0, Int32(n), Int32(k), &packed) }
            bf16Panels = packed
        } else {
            bf16Panels = nil
        }
        if precision == .int8 && k <= Int(SK_MAX_INT8_INPUTS) {
            var packed = [Int8](repeating: 0, count: panelCount * ((k + 3) / 4) * 64)
            var scales = [Float](repeating: 0, count: panelCount * 16), sums = [Int32](repeating: 0, count: panelCount * 16)
            weight.withPointer { sk_pack_linear_int8($0, Int32(n), Int32(k), &packed, &scales, &sums) }
            int8 = Int8Weights(panels: packed, scales: scales, columnSums: sums)
        } else {
            int8 = nil
        }
    }

    /// The bfloat16 products whatever the CPU (the vector kernel where it runs, else its scalar twin): for
    /// the tests. Needs a layer made in a reduced precision.
    public func bfloat16Product(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, gelu: Bool = false) {
        guard let bf16Panels else { preconditionFailure("layer has no bfloat16 weights") }
        bias16.withUnsafeBufferPointer { b in
            bf16Panels.withUnsafeBufferPointer { p in
                sk_linear_bf16(x, rows, Int32(inFeatures), p.baseAddress!, b.baseAddress!, Int32(outFeatures), y, gelu ? 1 : 0)
            }
        }
    }

    /// The int8 products whatever the CPU and shape (the build's vector kernel, or the scalar one): for the
    /// tests. Needs a layer made with `.int8`.
    public func int8Product(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, gelu: Bool = false) {
        guard let int8 else { preconditionFailure("layer has no int8 weights") }
        bias16.withUnsafeBufferPointer { b in
            int8.panels.withUnsafeBufferPointer { p in
                sk_linear_int8(x, rows, Int32(inFeatures), p.baseAddress!, int8.scales, int8.columnSums, b.baseAddress!,
                               Int32(outFeatures), y, gelu ? 1 : 0)
            }
        }
    }

    /// The precision this layer's product runs in now (this CPU, the kernel build selected, its shape).
    public var activePrecision: MatrixPrecision {
        if int8 != nil && sk_int8_pays(Int32(inFeatures), Int32(outFeatures)) != 0 { return .int8 }
        if bf16Panels != nil && sk_bf16_active() != 0 { return .bfloat16 }
        return .float32
    }

    /// y must not alias x.
    public func callAsFunction(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>,
                               gelu: Bool = false) {
        switch activePrecision {
        case .int8: int8Product(x, rows: rows, into: y, gelu: gelu)
        case .bfloat16: bfloat16Product(x, rows: rows, into: y, gelu: gelu)
        case .float32:
            bias16.withUnsafeBufferPointer { b in
                panels.withUnsafeBufferPointer { p in
                    sk_linear(x, rows, Int32(inFeatures), p.baseAddress!, b.baseAddress!, Int32(outFeatures), y, gelu ? 1 : 0)
                }
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
