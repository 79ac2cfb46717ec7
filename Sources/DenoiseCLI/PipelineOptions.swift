import ArgumentParser
import DenoiseKit
import SkipatModel

/// How a model is run, shared by every tool: tiling, threads, self-ensemble.
public struct PipelineOptions: ParsableArguments {
    @Option(name: .long, help: "Tile side in pixels (a multiple of the model's window x 2^levels).")
    public var tile: Int = Denoiser.defaultTileSize

    @Option(name: .long, help: "Overlap between neighbouring tiles in pixels.")
    public var overlap: Int = Denoiser.defaultOverlap

    @Option(name: .long, help: "Worker threads (default: all cores).")
    public var threads: Int?

    @Flag(name: .customLong("self-ensemble"), help: "Average the model over the 8 flips and rotations of every tile: a little cleaner, 8x slower.")
    public var selfEnsemble = false

    public init() {}

    /// Range checks, reported as one line (ArgumentParser's ValidationError would add the usage text).
    public func check() throws {
        if tile < 8 || tile > 1024 { throw ToolError("--tile \(tile)", "out of range (8 to 1024)") }
        if overlap < 0 || overlap >= tile { throw ToolError("--overlap \(overlap)", "must be at least 0 and below --tile") }
        if let threads, threads < 1 || threads > 256 { throw ToolError("--threads \(threads)", "out of range (1 to 256)") }
    }

    /// The tiled pipeline around `model`.
    public func makeDenoiser(model: SkipatDenoiser) throws -> Denoiser {
        try Denoiser(model: model, tileSize: tile, overlap: overlap, threads: threads, selfEnsemble: selfEnsemble)
    }
}
