import ArgumentParser
import DenoiseKit
import Foundation

/// Options shared by `denoise` and `denoise-video`: which model, which noise level, how to run it.
public struct ModelOptions: ParsableArguments {
    /// Help of every tool's `--model`.
    public static let modelHelp = ArgumentHelp("Bundled preset (\(ModelCatalog.presets.joined(separator: ", "))) or a .safetensors weight file.")

    @Option(name: .long, help: modelHelp)
    public var model: String?

    // .unconditional: `--sigma -3` reaches the range check instead of reading as a missing value.
    @Option(name: .long, parsing: .unconditional, help: "Noise level on the 0-255 scale; default: estimated from the input (blind).")
    public var sigma: Float?

    @OptionGroup public var pipeline: PipelineOptions

    public init() {}

    /// Range checks, reported as one line (ArgumentParser's ValidationError would add the usage text).
    public func check() throws {
        if let sigma, !(0...255).contains(sigma) {
            throw ToolError("--sigma \(sigma)", "out of range: give a noise level from 0 to 255")
        }
        try pipeline.check()
    }

    /// Prints what blind mode measured, and the camera-noise hint where one applies.
    public func reportBlindLevel(_ level: BlindNoiseLevel, defaultPreset: String) {
        printStatus("estimated noise level: \(level)")
        if let hint = cameraNoiseHint(level, defaultPreset: defaultPreset) { printStatus(hint) }
    }

    /// A status line for a blind run with a model the user chose that found camera noise the model is not
    /// trained on, else nil: it names the camera-noise variant (`fast` -> `real-fast`). Without --model
    /// the tools switch to it themselves (BlindModels).
    public func cameraNoiseHint(_ level: BlindNoiseLevel, defaultPreset: String) -> String? {
        guard model != nil, !level.isWhite,
              let preset = ModelCatalog.cameraNoiseVariant(of: model ?? defaultPreset, toolDefault: defaultPreset) else {
            return nil
        }
        return "hint: this looks like camera noise; --model \(preset) is trained on it"
    }

    /// Loads the chosen model (or `defaultPreset`) and builds the tiled pipeline around it.
    public func makeDenoiser(defaultPreset: String) throws -> Denoiser {
        try check()
        return try pipeline.makeDenoiser(model: try pipeline.loadModel(self.model ?? defaultPreset))
    }
}
