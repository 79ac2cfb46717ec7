import CKernels

/// LayerNorm over the channel axis of (rows, C) tokens, PyTorch's eps 1e-5 and biased variance.
public struct LayerNorm: Sendable {
    public let weight: Tensor
    public let bias: Tensor
    public static let epsilon: Float = 1e-5

    public init(weight: Tensor, bias: Tensor) {
        precondition(weight.shape.count == 1 && weight.shape == bias.shape)
        self.weight = weight
        self.bias = bias
    }

    public func callAsFunction(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        weight.withPointer { g in
            bias.withPointer { b in sk_layer_norm(x, y, rows, Int32(weight.count), g, b, Self.epsilon) }
        }
    }

    /// The residual add before it fused in: x += residual, then y = LayerNorm(x).
    public func addingResidual(_ residual: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>, rows: Int,
                               into y: UnsafeMutablePointer<Float>) {
        weight.withPointer { g in
            bias.withPointer { b in sk_add_layer_norm(x, residual, y, rows, Int32(weight.count), g, b, Self.epsilon) }
        }
    }
}
