// swift-tools-version: 6.0
// SKIPAT denoiser: a native image and video denoiser built on a Skip-Attention restoration transformer.
import PackageDescription

let package = Package(
    name: "SkipatDenoiser",
    products: [
        .library(name: "DenoiseKit", targets: ["DenoiseKit"]),
        // Photos and video files for apps: decode upright with metadata, encode with metadata (module Codec).
        .library(name: "DenoiseCodec", targets: ["Codec"]),
        .executable(name: "denoise", targets: ["denoise"]),
        .executable(name: "denoise-video", targets: ["denoise-video"]),
        .executable(name: "denoise-bench", targets: ["denoise-bench"]),
        .executable(name: "denoise-eval", targets: ["denoise-eval"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries and C code. Only CCodecs and Codec touch libpng / FFmpeg.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CKernels", dependencies: ["COpenBLAS"]),
        // zlib, for the compressed elements of MATLAB .mat files (evaluation only).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CCodecs", linkerSettings: [
            .linkedLibrary("png16"), .linkedLibrary("avformat"), .linkedLibrary("avcodec"),
            .linkedLibrary("avutil"), .linkedLibrary("swscale"), .linkedLibrary("exif"),
            .linkedLibrary("jpeg"), .linkedLibrary("tiff"),
        ]),

        // Engine: tensors and kernels, no I/O.
        .target(name: "Engine", dependencies: ["COpenBLAS", "CKernels"]),
        // The SKIPAT model, built from the config inside its weight file.
        .target(name: "SkipatModel", dependencies: ["Engine"]),
        // Planar float images, shared by every layer above the engine.
        .target(name: "Imaging"),
        // Tile plan, reflect padding and seamless blending.
        .target(name: "Tiling", dependencies: ["Imaging"]),
        // Splitting a batch or a dataset among the array tasks of a scheduler (--shard K/N).
        .target(name: "Batching"),
        // PSNR / SSIM.
        .target(name: "Metrics", dependencies: ["Imaging"]),
        // Files <-> images and video frames.
        .target(name: "Codec", dependencies: ["CCodecs", "Imaging"]),
        // The bundled weight files.
        .target(name: "DenoiseModels", resources: [.copy("Weights")]),
        // Pipeline: noise estimation, tiling, model, threads. The library product for other programs.
        .target(name: "DenoiseKit", dependencies: ["Imaging", "Tiling", "SkipatModel", "Engine", "DenoiseModels"]),
        // Shared pieces of the command-line tools (options, error reporting, safe output).
        .target(name: "DenoiseCLI", dependencies: [
            "DenoiseKit", "SkipatModel", "Engine", "Codec", "Batching", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .executableTarget(name: "denoise", dependencies: ["DenoiseCLI"]),
        .executableTarget(name: "denoise-video", dependencies: ["DenoiseCLI", "Batching"]),
        .executableTarget(name: "denoise-bench", dependencies: ["DenoiseCLI", "Metrics", "Tiling"]),
        // Batch evaluation (Gaussian sets, SIDD, DAVIS): all logic in Evaluation, a thin CLI over it.
        .target(name: "Evaluation", dependencies: ["DenoiseKit", "Codec", "Metrics", "Imaging", "CZlib", "Batching"],
                linkerSettings: [.linkedLibrary("z")]),
        .executableTarget(name: "denoise-eval", dependencies: [
            "Evaluation", "DenoiseCLI", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Fuzz harnesses of the Swift parsers (weights, .mat); Scripts/fuzz.sh builds it with libFuzzer.
        .executableTarget(name: "denoise-fuzz", dependencies: ["SkipatModel", "Evaluation"], path: "Tests/Fuzz/Swift"),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "CKernels", "Imaging"]),
        .testTarget(name: "ReadmeExampleTests", dependencies: ["TestSupport", "DenoiseKit", "Codec"]),
        .testTarget(name: "SkipatModelTests", dependencies: ["SkipatModel", "Imaging"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CodecTests", dependencies: ["TestSupport", "Codec"], exclude: ["Fixtures"]),
        .testTarget(name: "MetricsTests", dependencies: ["TestSupport", "Metrics"], exclude: ["Fixtures"]),
        .testTarget(name: "TilingTests", dependencies: ["Tiling"]),
        .testTarget(name: "BatchingTests", dependencies: ["Batching"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "denoise", "denoise-video", "Codec", "Metrics", "Imaging"]),
        .testTarget(name: "DenoiseKitTests", dependencies: ["TestSupport", "DenoiseKit", "Metrics", "Codec", "Tiling"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "EvaluationTests", dependencies: ["TestSupport", "Evaluation", "Batching", "DenoiseKit", "Engine", "Codec", "Imaging", "denoise-eval"],
                    exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
