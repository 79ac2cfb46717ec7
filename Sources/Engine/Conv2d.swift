import CKernels

/// Dense k x k convolution on a channel-last grid by im2col + GEMM.
/// weight (out, k, k, in) (the exporter's layout), bias (out). Zero padding `padding`.
public struct Conv2d: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int
    public var outChannels: Int { weight.shape[0] }
    public var kernel: Int { weight.shape[1] }
    public var inChannels: Int { weight.shape[3] }

    public init(weight: Tensor, bias: Tensor?, stride: Int, padding: Int) {
        precondition(weight.shape.count == 4 && weight.shape[1] == weight.shape[2])
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
    }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
    }

    /// Floats of scratch `callAsFunction` needs for an input of this size.
    public func scratchCount(height: Int, width: Int) -> Int {
        let (oh, ow) = outputSize(height: height, width: width)
        return oh * ow * kernel * kernel * inChannels
    }

    /// x (h, w, in) -> y (oh, ow, out). `scratch` holds the im2col matrix (oh*ow, k*k*in).
    public func callAsFunction(_ x: UnsafePointer<Float>, height: Int, width: Int,
                               into y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let (oh, ow) = outputSize(height: height, width: width)
        sk_im2col(x, scratch, Int32(height), Int32(width), Int32(inChannels), Int32(kernel), Int32(stride),
                  Int32(padding), Int32(oh), Int32(ow))
        withBias(bias) { sk_fill_rows(y, oh * ow, Int32(outChannels), $0) }
        weight.withPointer { w in
            sgemm(scratch, w, y, m: oh * ow, n: outChannels, k: kernel * kernel * inChannels,
                  transposedB: true, beta: 1)
        }
    }
}
