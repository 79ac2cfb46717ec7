import CKernels

/// The precision of a model's transformer matrix products: its Linear layers, and the attention's q k^T and
/// weighted sum of v for 16-dim heads. In bfloat16 their operands are rounded to bf16 and the products
/// summed in float32: AVX-512 BF16 does twice the multiply-adds of float32 per instruction. Convolutions,
/// the attention's bias and softmax, and everything else stay float32 (docs/design.md, section 8).
public enum MatrixPrecision: String, CaseIterable, Sendable, CustomStringConvertible {
    case float32
    case bfloat16

    /// Whether this CPU has AVX-512 BF16.
    public static var bfloat16Supported: Bool { sk_has_bf16() != 0 }

    /// The precision the tools use unless told `--float32`: bfloat16 where it runs now (the CPU has AVX-512
    /// BF16 and the AVX-512 kernel build is selected).
    public static var fastest: MatrixPrecision { sk_bf16_active() != 0 ? .bfloat16 : .float32 }

    public var description: String { rawValue }
}
