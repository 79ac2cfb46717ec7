import CKernels

/// Depthwise k x k convolution, stride 1, zero padding k/2. weight (k, k, C), bias (C).
public struct DepthwiseConv: Sendable {
    /// Largest kernel side the C kernels take.
    public static let maxKernel = Int(SK_MAX_DEPTHWISE_KERNEL)

    public let weight: Tensor
    public let bias: Tensor?
    public var kernel: Int { weight.shape[0] }
    public var channels: Int { weight.shape[2] }

    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.shape.count == 3 && weight.shape[0] == weight.shape[1] && weight.shape[0] % 2 == 1
                     && weight.shape[0] <= Self.maxKernel)
        self.weight = weight
        self.bias = bias
    }

    /// x (h, w, C) -> y (h, w, C), then GELU when `gelu`; x and y must not alias.
    public func callAsFunction(_ x: UnsafePointer<Float>, height: Int, width: Int, into y: UnsafeMutablePointer<Float>,
                               gelu: Bool = false) {
        weight.withPointer { w in
            withBias(bias) { b in
                sk_depthwise_conv(x, y, Int32(height), Int32(width), Int32(channels), Int32(kernel), w, b, gelu ? 1 : 0)
            }
        }
    }

    /// One output row (width, C): `rows[ky]` is input row oy + ky - kernel/2 as (width, C), or nil outside the
    /// grid. `rows` holds `kernel` entries; y must not alias them.
    public func row(_ rows: UnsafePointer<UnsafePointer<Float>?>, width: Int, into y: UnsafeMutablePointer<Float>,
                    gelu: Bool = false) {
        weight.withPointer { w in
            withBias(bias) { b in
                sk_depthwise_conv_row(rows, y, Int32(width), Int32(channels), Int32(kernel), w, b, gelu ? 1 : 0)
            }
        }
    }
}
