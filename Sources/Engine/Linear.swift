import CKernels

/// y (rows, out) = x (rows, in) W^T + b. weight (out, in), bias (out).
public struct Linear: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.shape.count == 2 && (bias == nil || bias!.shape == [weight.shape[0]]))
        self.weight = weight
        self.bias = bias
    }

    public func callAsFunction(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        withBias(bias) { sk_fill_rows(y, rows, Int32(outFeatures), $0) }
        weight.withPointer { w in
            sgemm(x, w, y, m: rows, n: outFeatures, k: inFeatures, transposedB: true, beta: 1)
        }
    }
}

/// Passes the bias pointer, or nil, to `body`.
@inlinable
func withBias<R>(_ bias: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let bias else { return body(nil) }
    return bias.withPointer { body($0) }
}
