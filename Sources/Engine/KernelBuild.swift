import CKernels

/// Which compiled build of the C kernels runs: each kernel body is compiled for AVX-512, AVX2+FMA and
/// portable C, and the best one the CPU supports is chosen on first use.
public enum KernelBuild: Int, CaseIterable, Comparable, Sendable, CustomStringConvertible {
    case portable = 0   // SK_LEVEL_PORTABLE
    case avx2 = 1       // SK_LEVEL_AVX2 (with FMA)
    case avx512 = 2     // SK_LEVEL_AVX512 (F, VL, BW, DQ)

    /// The build in use.
    public static var current: KernelBuild { KernelBuild(rawValue: Int(sk_kernel_level())) ?? .portable }

    /// Every build this CPU can run, slowest first.
    public static var supported: [KernelBuild] { allCases.filter { $0.rawValue <= Int(sk_max_kernel_level()) } }

    /// Selects `build` (clamped to what the CPU supports) for everything that follows, on every thread
    /// (benchmarks).
    public static func select(_ build: KernelBuild) { sk_set_kernel_level(Int32(build.rawValue)) }

    /// Runs `body` with `build` selected on the calling thread only (tests compare builds while other tests
    /// run); restores the thread's previous selection afterwards. Work `body` hands to other threads runs in
    /// the process's build.
    public static func with<T>(_ build: KernelBuild, _ body: () throws -> T) rethrows -> T {
        let previous = sk_thread_kernel_level()
        sk_set_thread_kernel_level(Int32(build.rawValue))
        defer { sk_set_thread_kernel_level(previous) }
        return try body()
    }

    /// The build a tool's `--kernels` names ("portable", "avx2" or "avx512") if this CPU runs it, else nil.
    public static func supported(named name: String) -> KernelBuild? {
        guard let build = ["portable": KernelBuild.portable, "avx2": .avx2, "avx512": .avx512][name],
              supported.contains(build) else { return nil }
        return build
    }

    /// What a tool's `--kernels` error says this CPU runs, e.g. "portable, AVX2+FMA, AVX-512".
    public static var supportedList: String { supported.map(\.description).joined(separator: ", ") }

    public static func < (a: KernelBuild, b: KernelBuild) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .portable: "portable"
        case .avx2: "AVX2+FMA"
        case .avx512: "AVX-512"
        }
    }
}
