import CKernels

/// The precision of a model's transformer matrix products: its Linear layers, and the attention's q k^T and
/// weighted sum of v for 16-dim heads. Convolutions, the attention's bias and softmax, and everything else
/// stay float32 (docs/design.md, section 8).
/// - `bfloat16`: operands rounded to bf16, products summed in float32, where the CPU has AVX-512 BF16
///   (twice the multiply-adds of float32 per instruction).
/// - `int8`: additionally, each Linear layer wide enough to gain (`sk_int8_pays`) takes its inputs as 8 bits
///   per row and its weights as 7 bits per output feature, summed exactly in int32: AVX-512 VNNI or AVX2.
///   Layers and products that do not gain run as in `bfloat16`.
public enum MatrixPrecision: String, CaseIterable, Sendable, CustomStringConvertible {
    case float32
    case bfloat16
    case int8

    /// Whether this CPU has AVX-512 BF16.
    public static var bfloat16Supported: Bool { sk_has_bf16() != 0 }

    /// Whether this CPU has an int8 vector kernel (AVX2 or better).
    public static var int8Supported: Bool { sk_max_kernel_level() >= Int32(SK_LEVEL_AVX2) }

    /// The precision the tools use unless told otherwise (`--precision`, `--float32`): int8 where an int8
    /// vector kernel runs now (its other products in bfloat16 where AVX-512 BF16 runs them), else bfloat16,
    /// else float32. With AVX-512 BF16 and VNNI, int8 on top of bfloat16 measured 1.05x `quality`'s engine
    /// throughput (three runs of 15 rounds) and 1.04-1.12x on a 6 MP photo, for at most 0.004 dB
    /// (docs/results.md).
    public static var fastest: MatrixPrecision {
        [.int8, .bfloat16].first { $0.runsNow } ?? .float32
    }

    /// What a model loaded in `self` runs on this CPU: the reduced precisions fall back where the CPU lacks them.
    public var supported: MatrixPrecision {
        switch self {
        case .int8 where Self.int8Supported: return .int8
        case .int8, .bfloat16: return Self.bfloat16Supported ? .bfloat16 : .float32
        case .float32: return .float32
        }
    }

    /// Whether this precision's own kernels run now (this CPU, the kernel build selected): bfloat16's need
    /// AVX-512 BF16 and the AVX-512 build, int8's the AVX2 or AVX-512 build.
    public var runsNow: Bool {
        switch self {
        case .float32: return true
        case .bfloat16: return sk_bf16_active() != 0
        case .int8: return sk_int8_kernel() != Int32(SK_INT8_SCALAR)
        }
    }

    /// What `runsNow` needs, in words.
    public var requirement: String {
        switch self {
        case .float32: return "any CPU"
        case .bfloat16: return "a CPU with AVX-512 BF16 and the avx512 kernels"
        case .int8: return "a CPU with AVX2 and the avx2 or avx512 kernels"
        }
    }

    public var description: String { rawValue }
}
