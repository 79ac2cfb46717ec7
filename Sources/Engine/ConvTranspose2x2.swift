import CKernels

/// Transposed 2x2 convolution with stride 2 (doubles height and width) on a channel-last grid.
/// weight (in, 2, 2, out), bias (out). One GEMM computes all four sub-pixels, then they are scattered.
/// The GEMM is a packed `Linear` (see `Conv2d`), whose weight is the (in, 4*out) matrix transposed.
public struct ConvTranspose2x2: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    let subPixelProduct: Linear  // weight (4*out, in): row (dy*2 + dx)*out + o is weight[:, dy, dx, o]; no bias
    public var inChannels: Int { weight.shape[0] }
    public var outChannels: Int { weight.shape[3] }

    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.shape.count == 4 && weight.shape[1] == 2 && weight.shape[2] == 2)
        self.weight = weight
        self.bias = bias
        let (cin, subPixels) = (weight.shape[0], 4 * weight.shape[3])
        var transposed = [Float](repeating: 0, count: cin * subPixels)
        for i in 0..<cin {
            for j in 0..<subPixels { transposed[j * cin + i] = weight.storage[i * subPixels + j] }
        }
        subPixelProduct = Linear(weight: Tensor(shape: [subPixels, cin], storage: transposed), bias: nil)
    }

    public func scratchCount(height: Int, width: Int) -> Int { height * width * 4 * outChannels }

    /// x (h, w, in) -> y (2h, 2w, out). `scratch`: (h*w, 2, 2, out).
    public func callAsFunction(_ x: UnsafePointer<Float>, height: Int, width: Int,
                               into y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        subPixelProduct(x, rows: height * width, into: scratch)
        withBias(bias) { sk_pixel_shuffle2(scratch, y, Int32(height), Int32(width), Int32(outChannels), $0) }
    }
}
