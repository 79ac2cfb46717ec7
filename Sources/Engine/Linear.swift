import CKernels

/// y (rows, out) = x (rows, in) W^T + b, optionally followed by GELU. weight (out, in), bias (out).
/// The weights are packed once, at load, into panels of 16 output features for `sk_linear`'s register-tiled
/// kernel; `weight` keeps the PyTorch layout for the reference twin and the tests.
public struct Linear: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    let panels: [Float]   // (ceil(out/16), in, 16), zero-padded
    let bias16: [Float]   // (ceil(out/16) * 16), zero-padded
    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.shape.count == 2 && (bias == nil || bias!.shape == [weight.shape[0]]))
        self.weight = weight
        self.bias = bias
        let (n, k) = (weight.shape[0], weight.shape[1]), padded = (n + 15) / 16 * 16
        var panels = [Float](repeating: 0, count: padded * k), bias16 = [Float](repeating: 0, count: padded)
        weight.withPointer { w in
            withBias(bias) { b in sk_pack_linear(w, b, Int32(n), Int32(k), &panels, &bias16) }
        }
        (self.panels, self.bias16) = (panels, bias16)
    }

    /// y must not alias x.
    public func callAsFunction(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>,
                               gelu: Bool = false) {
        panels.withUnsafeBufferPointer { p in
            bias16.withUnsafeBufferPointer { b in
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
