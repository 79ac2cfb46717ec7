import Foundation

/// Naive, obviously-correct twins of the fast kernels: direct loops, Double accumulation, no BLAS.
/// They are the tests' oracle (and slow on purpose). All grids are channel-last (h, w, C).
public enum Reference {
    /// (rows, out) = x (rows, in) W^T + b; weight (out, in).
    public static func linear(_ x: [Float], rows: Int, weight: Tensor, bias: Tensor?) -> [Float] {
        let (out, inF) = (weight.shape[0], weight.shape[1])
        var y = [Float](repeating: 0, count: rows * out)
        for r in 0..<rows {
            for o in 0..<out {
                var acc = Double(bias?.storage[o] ?? 0)
                for i in 0..<inF { acc += Double(x[r * inF + i]) * Double(weight.storage[o * inF + i]) }
                y[r * out + o] = Float(acc)
            }
        }
        return y
    }

    /// x rounded to bfloat16 (8 significant bits), to nearest with ties to even, as a Float.
    public static func bfloat16(_ x: Float) -> Float {
        guard x.isFinite else { return x }
        let bits = x.bitPattern, kept = bits & 0xffff_0000, dropped = bits & 0xffff
        let roundUp = dropped > 0x8000 || (dropped == 0x8000 && kept & 0x1_0000 != 0)
        return Float(bitPattern: roundUp ? kept &+ 0x1_0000 : kept)
    }

    /// `linear` on inputs and weights rounded to bfloat16: the twin of the bfloat16 kernel.
    public static func linearBFloat16(_ x: [Float], rows: Int, weight: Tensor, bias: Tensor?) -> [Float] {
        linear(x.map(bfloat16), rows: rows, weight: Tensor(shape: weight.shape, storage: weight.storage.map(bfloat16)), bias: bias)
    }

    /// `linear` in int8, the twin of sk_linear_int8: each weight row rounded to -63...63 times max |w| / 63,
    /// each input row to 0...255 with scale (hi - lo) / 255 and zero point rint(-lo / scale), its range
    /// [lo, hi] widened to hold 0; integer sums, then (sum - zero * sum of the weights) * scale * wscale + b.
    /// The same Float operations as the kernels, so the results agree bit for bit.
    public static func linearInt8(_ x: [Float], rows: Int, weight: Tensor, bias: Tensor?) -> [Float] {
        let (out, inF) = (weight.shape[0], weight.shape[1])
        var wq = [Int](repeating: 0, count: out * inF), wscale = [Float](repeating: 1, count: out)
        for o in 0..<out {
            let row = weight.storage[(o * inF)..<((o + 1) * inF)]
            let largest = row.map(abs).max() ?? 0
            if largest > 0 { wscale[o] = largest / 63 }
            for (i, w) in row.enumerated() { wq[o * inF + i] = Int(min(max((w / wscale[o]).rounded(.toNearestOrEven), -63), 63)) }
        }
        var y = [Float](repeating: 0, count: rows * out)
        for r in 0..<rows {
            let row = Array(x[(r * inF)..<((r + 1) * inF)])
            let lo = min(row.min() ?? 0, 0), hi = max(row.max() ?? 0, 0)
            let scale: Float = hi > lo ? (hi - lo) / 255 : 1, inverse = 1 / scale
            let zero = Int((-lo * inverse).rounded(.toNearestOrEven))
            let q = row.map { Int(min(max((($0 * inverse).rounded(.toNearestOrEven) + Float(zero)), 0), 255)) }
            for o in 0..<out {
                var sum = 0, weightSum = 0
                for i in 0..<inF { sum += q[i] * wq[o * inF + i]; weightSum += wq[o * inF + i] }
                y[r * out + o] = (bias?.storage[o] ?? 0).addingProduct(Float(sum - zero * weightSum), scale * wscale[o])
            }
        }
        return y
    }

    /// Direct convolution; weight (out, k, k, in), zero padding.
    public static func conv2d(_ x: [Float], height h: Int, width w: Int, weight: Tensor, bias: Tensor?,
                              stride: Int, padding: Int) -> [Float] {
        let (cout, k, cin) = (weight.shape[0], weight.shape[1], weight.shape[3])
        let oh = (h + 2 * padding - k) / stride + 1, ow = (w + 2 * padding - k) / stride + 1
        var y = [Float](repeating: 0, count: oh * ow * cout)
        for oy in 0..<oh {
            for ox in 0..<ow {
                for o in 0..<cout {
                    var acc = Double(bias?.storage[o] ?? 0)
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let iy = oy * stride + ky - padding, ix = ox * stride + kx - padding
                            guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                            for i in 0..<cin {
                                acc += Double(x[(iy * w + ix) * cin + i])
                                    * Double(weight.storage[((o * k + ky) * k + kx) * cin + i])
                            }
                        }
                    }
                    y[(oy * ow + ox) * cout + o] = Float(acc)
                }
            }
        }
        return y
    }

    /// Transposed 2x2 stride-2 convolution; weight (in, 2, 2, out).
    public static func convTranspose2x2(_ x: [Float], height h: Int, width w: Int, weight: Tensor,
                                        bias: Tensor?) -> [Float] {
        let (cin, cout) = (weight.shape[0], weight.shape[3])
        var y = [Float](repeating: 0, count: 4 * h * w * cout)
        for oy in 0..<(2 * h) {
            for ox in 0..<(2 * w) {
                let (iy, ix, dy, dx) = (oy / 2, ox / 2, oy % 2, ox % 2)
                for o in 0..<cout {
                    var acc = Double(bias?.storage[o] ?? 0)
                    for i in 0..<cin {
                        acc += Double(x[(iy * w + ix) * cin + i]) * Double(weight.storage[((i * 2 + dy) * 2 + dx) * cout + o])
                    }
                    y[(oy * 2 * w + ox) * cout + o] = Float(acc)
                }
            }
        }
        return y
    }

    /// Depthwise convolution; weight (k, k, C), zero padding k/2.
    public static func depthwiseConv(_ x: [Float], height h: Int, width w: Int, weight: Tensor, bias: Tensor?) -> [Float] {
        let (k, c) = (weight.shape[0], weight.shape[2])
        var y = [Float](repeating: 0, count: h * w * c)
        for oy in 0..<h {
            for ox in 0..<w {
                for ch in 0..<c {
                    var acc = Double(bias?.storage[ch] ?? 0)
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let iy = oy + ky - k / 2, ix = ox + kx - k / 2
                            guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                            acc += Double(x[(iy * w + ix) * c + ch]) * Double(weight.storage[(ky * k + kx) * c + ch])
                        }
                    }
                    y[(oy * w + ox) * c + ch] = Float(acc)
                }
            }
        }
        return y
    }

    public static func layerNorm(_ x: [Float], rows: Int, weight: Tensor, bias: Tensor, epsilon: Double = 1e-5) -> [Float] {
        let c = weight.count
        var y = x
        for r in 0..<rows {
            let row = x[(r * c)..<((r + 1) * c)].map(Double.init)
            let mean = row.reduce(0, +) / Double(c)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(c)
            for i in 0..<c {
                y[r * c + i] = Float((row[i] - mean) / (variance + epsilon).squareRoot()
                                     * Double(weight.storage[i]) + Double(bias.storage[i]))
            }
        }
        return y
    }

    public static func gelu(_ x: [Float]) -> [Float] {
        x.map { v in Float(0.5 * Double(v) * (1 + erf(Double(v) / 2.0.squareRoot()))) }
    }

    public static func eca(_ x: [Float], rows: Int, channels c: Int, weight: Tensor) -> [Float] {
        var mean = [Double](repeating: 0, count: c)
        for r in 0..<rows { for ch in 0..<c { mean[ch] += Double(x[r * c + ch]) } }
        mean = mean.map { $0 / Double(rows) }
        let gate = (0..<c).map { ch -> Double in
            let a = (ch > 0 ? Double(weight.storage[0]) * mean[ch - 1] : 0) + Double(weight.storage[1]) * mean[ch]
                + (ch + 1 < c ? Double(weight.storage[2]) * mean[ch + 1] : 0)
            return 1 / (1 + exp(-a))
        }
        return x.enumerated().map { i, v in Float(Double(v) * gate[i % c]) }
    }

    /// Swin-style window attention written the textbook way: roll the grid, cut windows, mark the mask
    /// regions on the rolled grid, attend per window and head, merge and roll back.
    /// qkv (h*w, 3C); table ((2*window-1)^2, heads). Returns (h*w, C) before the output projection.
    /// `bfloat16Products`: the twin of the kernel's bf16 products, rounding what it rounds: the queries,
    /// the keys times 1/sqrt(hd) (in float32), the softmax numerators (float32) and the values; the sum
    /// that normalises the row stays unrounded. It rounds for any head size and window; the kernel takes
    /// bf16 only for 16-dim heads in 8x8 and 16x16 windows, so compare only those.
    public static func windowAttention(qkv: [Float], height h: Int, width w: Int, channels c: Int, heads: Int,
                                       window: Int, shift requestedShift: Int, biasTable: Tensor,
                                       bfloat16Products: Bool = false) -> [Float] {
        let (windowSide, shift) = windowGeometry(height: h, width: w, window: window, shift: requestedShift)
        let hd = c / heads, n = windowSide * windowSide, side = 2 * window - 1
        func region(_ r: Int, _ size: Int) -> Int { r < size - windowSide ? 0 : (r < size - shift ? 1 : 2) }
        var out = [Float](repeating: 0, count: h * w * c)
        for wy in 0..<(h / windowSide) {
            for wx in 0..<(w / windowSide) {
                // Tokens of this window: rolled position -> original position.
                let tokens = (0..<n).map { t -> (source: Int, label: Int, y: Int, x: Int) in
                    let ry = wy * windowSide + t / windowSide, rx = wx * windowSide + t % windowSide
                    let label = shift > 0 ? region(ry, h) * 3 + region(rx, w) : 0
                    return (((ry + shift) % h) * w + (rx + shift) % w, label, t / windowSide, t % windowSide)
                }
                for head in 0..<heads {
                    for i in 0..<n {
                        var scores = [Double](repeating: 0, count: n)
                        for j in 0..<n {
                            var dot = 0.0
                            for d in 0..<hd {
                                let (q, k) = (qkv[tokens[i].source * 3 * c + head * hd + d], qkv[tokens[j].source * 3 * c + c + head * hd + d])
                                dot += bfloat16Products ? Double(bfloat16(q)) * Double(bfloat16(k * (1 / Float(hd).squareRoot())))
                                                        : Double(q) * Double(k) / Double(hd).squareRoot()
                            }
                            let rel = (tokens[i].y - tokens[j].y + window - 1) * side + (tokens[i].x - tokens[j].x + window - 1)
                            scores[j] = dot + Double(biasTable.storage[rel * heads + head])
                                + (tokens[i].label != tokens[j].label ? -100 : 0)
                        }
                        let m = scores.max()!
                        let e = scores.map { exp($0 - m) }
                        let sum = e.reduce(0, +)
                        for d in 0..<hd {
                            var acc = 0.0
                            for j in 0..<n {
                                let v = qkv[tokens[j].source * 3 * c + 2 * c + head * hd + d]
                                acc += bfloat16Products ? Double(bfloat16(Float(e[j]))) * Double(bfloat16(v)) / sum : e[j] / sum * Double(v)
                            }
                            out[tokens[i].source * c + head * hd + d] = Float(acc)
                        }
                    }
                }
            }
        }
        return out
    }
}
