import ArgumentParser
import DenoiseKit
import Engine
import SkipatModel

/// How a model is run, shared by every tool: tiling, threads, self-ensemble, precision.
public struct PipelineOptions: ParsableArguments {
    @Option(name: .long, help: "Tile side in pixels (a multiple of the model's window x 2^levels).")
    public var tile: Int = Denoiser.defaultTileSize

    @Option(name: .long, help: "Overlap between neighbouring tiles in pixels, below half the tile (default: \(Denoiser.defaultOverlap), or a quarter of a smaller --tile).")
    public var overlap: Int?

    @Option(name: .long, help: "Worker threads (default: all cores).")
    public var threads: Int?

    @Flag(name: .customLong("self-ensemble"), help: "Average the model over the 8 flips and rotations of every tile: a little cleaner, 8x slower.")
    public var selfEnsemble = false

    @Option(name: .long, help: ArgumentHelp("Precision of the transformer's matrix products: float32, bfloat16 or int8 (default: int8 on CPUs with AVX2, its other products in bfloat16 on CPUs with AVX-512 BF16, else float32; int8 takes only the layers wide enough to gain).", valueName: "precision"))
    public var precision: MatrixPrecision?

    @Flag(name: .customLong("float32"), help: "Run everything in float32: the same as --precision float32.")
    public var float32 = false

    public init() {}

    /// Range checks, reported as one line (ArgumentParser's ValidationError would add the usage text).
    public func check() throws {
        if tile < 8 || tile > 1024 { throw ToolError("--tile \(tile)", "out of range (8 to 1024)") }
        // Tiles advance by tile - overlap: an overlap near the tile would multiply the work without bound.
        if let overlap, overlap < 0 || 2 * overlap >= tile {
            throw ToolError("--overlap \(overlap)", "must be at least 0 and below half of --tile \(tile)")
        }
        if let threads, threads < 1 || threads > 256 { throw ToolError("--threads \(threads)", "out of range (1 to 256)") }
        if float32, let precision, precision != .float32 { throw ToolError("--float32", "contradicts --precision \(precision)") }
        if let precision, !precision.runsNow {
            throw ToolError("--precision \(precision)", "needs \(precision.requirement)")
        }
    }

    /// The overlap in use: the one given, else the default, reduced for small tiles so it stays below half.
    public var effectiveOverlap: Int { overlap ?? min(Denoiser.defaultOverlap, tile / 4) }

    /// The precision models load in.
    public var modelPrecision: MatrixPrecision { float32 ? .float32 : (precision ?? .fastest) }

    /// A preset or weight file (ModelCatalog.load) in this run's precision.
    public func loadModel(_ nameOrPath: String) throws -> SkipatDenoiser {
        try ModelCatalog.load(nameOrPath, precision: modelPrecision)
    }

    /// The tiled pipeline around `model`.
    public func makeDenoiser(model: SkipatDenoiser) throws -> Denoiser {
        try Denoiser(model: model, tileSize: tile, overlap: effectiveOverlap, threads: threads, selfEnsemble: selfEnsemble)
    }
}

extension MatrixPrecision: ExpressibleByArgument {}
