import CKernels

/// Dense k x k convolution on a channel-last grid by im2col + GEMM.
/// weight (out, k, k, in) (the exporter's layout), bias (out). Zero padding `padding`.
///
/// The GEMM is a packed `Linear` over the im2col rows: weight (out, k, k, in) is already its (out, k*k*in)
/// matrix, and the bias is fused. Its register-tiled kernel runs the CPU's widest vectors, where OpenBLAS
/// 0.3.21 takes its AVX2 kernels on AVX-512 CPUs it does not know (AMD Zen 4 and 5), and packs the
/// weights once at load instead of on every call.
///
/// Stride-1 convs with fewer outputs than inputs (the 2C -> 3 output projection) skip im2col: one Linear
/// gives every pixel's contribution to each tap's outputs, z (w, k*k*out) per grid row, and each output
/// pixel sums its k*k taps from z. The multiply-adds are the same, but z holds k*k*out floats per pixel
/// where the im2col matrix holds k*k*in (288 for the output projection: ~19 MB per 128x128 tile, streamed
/// twice). z is computed a grid row at a time into a ring of k rows as the output rows need them, so it
/// stays in cache (the whole-grid z of a temporal model's fusion output, 4.7 MB per tile, went through
/// memory twice).
public struct Conv2d: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int
    let product: Product
    public var outChannels: Int { weight.shape[0] }
    public var kernel: Int { weight.shape[1] }
    public var inChannels: Int { weight.shape[3] }

    /// The packed GEMM, and what it multiplies.
    enum Product: Sendable {
        case im2col(Linear)   // weight (out, k*k*in), bias (out)
        case tapSums(Linear)  // weight (k*k*out, in): row (ky*k + kx)*out + o is weight[o, ky, kx, :]; no bias
    }

    public init(weight: Tensor, bias: Tensor?, stride: Int, padding: Int) {
        precondition(weight.shape.count == 4 && weight.shape[1] == weight.shape[2])
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        let (out, k, cin) = (weight.shape[0], weight.shape[1], weight.shape[3])
        if stride == 1 && out < cin {
            var taps = [Float](repeating: 0, count: k * k * out * cin)
            for o in 0..<out {
                for tap in 0..<(k * k) {
                    for i in 0..<cin { taps[(tap * out + o) * cin + i] = weight.storage[(o * k * k + tap) * cin + i] }
                }
            }
            product = .tapSums(Linear(weight: Tensor(shape: [k * k * out, cin], storage: taps), bias: nil))
        } else {
            product = .im2col(Linear(weight: Tensor(shape: [out, k * k * cin], storage: weight.storage), bias: bias))
        }
    }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
    }

    /// Floats of scratch `callAsFunction` needs for an input of this size.
    public func scratchCount(height: Int, width: Int) -> Int {
        let (oh, ow) = outputSize(height: height, width: width)
        switch product {
        case .im2col: return oh * ow * kernel * kernel * inChannels
        case .tapSums: return kernel * width * kernel * kernel * outChannels
        }
    }

    /// x (h, w, in) -> y (oh, ow, out). `scratch` holds the im2col matrix (oh*ow, k*k*in), or the ring of z rows
    /// (k, w, k*k*out).
    public func callAsFunction(_ x: UnsafePointer<Float>, height: Int, width: Int,
                               into y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let (oh, ow) = outputSize(height: height, width: width)
        switch product {
        case .im2col(let gemm):
            sk_im2col(x, scratch, Int32(height), Int32(width), Int32(inChannels), Int32(kernel), Int32(stride),
                      Int32(padding), Int32(oh), Int32(ow))
            gemm(scratch, rows: oh * ow, into: y)
        case .tapSums(let gemm):
            let zRow = width * kernel * kernel * outChannels
            var computed = 0  // input rows 0 ..< computed have their z in the ring, row r in slot r % k
            withUnsafeTemporaryAllocation(of: UnsafePointer<Float>?.self, capacity: kernel) { rows in
                for oy in 0..<oh {
                    for ky in 0..<kernel {
                        let iy = oy + ky - padding  // the k rows an output row needs are consecutive: distinct slots
                        guard iy >= 0 && iy < height else { rows[ky] = nil; continue }
                        while computed <= iy {
                            gemm(x + computed * width * inChannels, rows: width, into: scratch + (computed % kernel) * zRow)
                            computed += 1
                        }
                        rows[ky] = UnsafePointer(scratch + (iy % kernel) * zRow)
                    }
                    withBias(bias) {
                        sk_conv_tap_sum_row(rows.baseAddress!, y + oy * ow * outChannels, Int32(width), Int32(ow),
                                            Int32(outChannels), Int32(kernel), Int32(padding), $0)
                    }
                }
            }
        }
    }
}
