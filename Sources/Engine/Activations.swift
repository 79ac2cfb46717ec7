import CKernels

/// The erf GELU (not the tanh approximation) in place, to 1.5e-6 (absolute up to |x| = 1, relative beyond).
@inlinable
public func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) { sk_gelu(x, count) }

/// LeakyReLU in place.
@inlinable
public func leakyReLU(_ x: UnsafeMutablePointer<Float>, count: Int, slope: Float) { sk_leaky_relu(x, count, slope) }

/// y += x.
@inlinable
public func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) { sk_add(y, x, count) }

/// ECA channel gate in place on (rows, C). weight (3). `scratch`: 2C floats.
@inlinable
public func efficientChannelAttention(_ x: UnsafeMutablePointer<Float>, rows: Int, channels: Int, weight: Tensor,
                                      scratch: UnsafeMutablePointer<Float>) {
    weight.withPointer { sk_eca(x, rows, Int32(channels), $0, scratch) }
}

/// out (rows, ca + cb) = [a | b].
@inlinable
public func concatChannels(_ a: UnsafePointer<Float>, _ ca: Int, _ b: UnsafePointer<Float>, _ cb: Int,
                           into out: UnsafeMutablePointer<Float>, rows: Int) {
    sk_concat_channels(a, Int32(ca), b, Int32(cb), out, rows)
}
