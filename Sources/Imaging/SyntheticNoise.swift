import Foundation

// The one random source of the project's Swift side: synthetic noise for evaluation, benchmarks and
// tests. Seeded and integer-based, so a seed gives the same noise on every machine.

/// SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): state += 0x9E3779B97F4A7C15, output = mix(state).
/// Integer-only, so the same seed gives the same stream on every machine and in Python
/// (Scripts/make_eval_fixtures.py holds a line-for-line twin).
public struct SplitMix64: Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// Uniform in [0, 1) with 24 bits, as a Float.
    public mutating func nextUnit() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// The SplitMix64 output function (a bijective 64-bit finaliser).
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Standard normal samples by Box-Muller on SplitMix64 draws, in Float64:
/// u1 = (a >> 11 + 1) / 2^53 in (0, 1], u2 = (b >> 11) / 2^53 in [0, 1),
/// r = sqrt(-2 ln u1); yields r cos(2 pi u2), then r sin(2 pi u2), then the next pair.
public struct GaussianSource: Sendable {
    private var generator: SplitMix64
    private var spare: Double?

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    public mutating func next() -> Double {
        if let value = spare {
            spare = nil
            return value
        }
        let u1 = Double((generator.next() >> 11) + 1) * 0x1p-53
        let u2 = Double(generator.next() >> 11) * 0x1p-53
        let r = (-2 * log(u1)).squareRoot(), angle = 2 * Double.pi * u2
        spare = r * sin(angle)
        return r * cos(angle)
    }
}

/// AWGN as docs/design.md (section 6) fixes it: on the [0, 1] image, standard deviation sigma / 255, not
/// clipped. Samples are drawn plane by plane, row by row (the PlanarImage order):
/// noisy = Float(Double(clean) + sigma / 255 * n).
public func addGaussianNoise(_ image: PlanarImage, sigma: Double, seed: UInt64) -> PlanarImage {
    var source = GaussianSource(seed: seed), noisy = image
    let scale = sigma / 255
    for i in noisy.pixels.indices {
        noisy.pixels[i] = Float(Double(noisy.pixels[i]) + scale * source.next())
    }
    return noisy
}
