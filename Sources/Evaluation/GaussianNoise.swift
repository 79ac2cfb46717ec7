import Imaging

/// Seeds of the evaluation noise, one per (item, sigma), so that any shard or subset of a dataset
/// sees exactly the noise a full run sees:
///   seed = f(...f(f(f(base) ^ part1) ^ part2)... ^ partN), f(z) = SplitMix64.mix(z + 0x9E3779B97F4A7C15)
/// Parts: gaussian sets (image index in the sorted list, sigma code); DAVIS (sequence index, frame
/// index, sigma code). sigma code = round(sigma * 100), e.g. 2500 for sigma 25.
public enum NoiseSeed {
    public static func derive(base: UInt64, _ parts: [UInt64]) -> UInt64 {
        func f(_ z: UInt64) -> UInt64 { SplitMix64.mix(z &+ 0x9E37_79B9_7F4A_7C15) }
        return parts.reduce(f(base)) { f($0 ^ $1) }
    }

    public static func sigmaCode(_ sigma: Double) -> UInt64 { UInt64((sigma * 100).rounded()) }
}
