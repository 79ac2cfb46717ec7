import CKernels

/// Transposed 2x2 convolution with stride 2 (doubles height and width) on a channel-last grid.
/// weight (in, 2, 2, out), bias (out). One GEMM computes all four sub-pixels, then they are scattered.
public struct ConvTranspose2x2: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    public var inChannels: Int { weight.shape[0] }
    public var outChannels: Int { weight.shape[3] }

    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.shape.count == 4 && weight.shape[1] == 2 && weight.shape[2] == 2)
        self.weight = weight
        self.bias = bias
    }

    public func scratchCount(height: Int, width: Int) -> Int { height * width * 4 * outChannels }

    /// x (h, w, in) -> y (2h, 2w, out). `scratch`: (h*w, 2, 2, out).
    public func callAsFunction(_ x: UnsafePointer<Float>, height: Int, width: Int,
                               into y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        weight.withPointer { w in
            sgemm(x, w, scratch, m: height * width, n: 4 * outChannels, k: inChannels, transposedB: false, beta: 0)
        }
        withBias(bias) { sk_pixel_shuffle2(scratch, y, Int32(height), Int32(width), Int32(outChannels), $0) }
    }
}
