import DenoiseKit

/// The model a run uses for each picture. With `--model`, always that one. Without it, the tool's default
/// preset, except for pictures whose blind level reads as camera noise (`BlindNoiseLevel.isWhite` false):
/// those go to the default's camera-noise variant (`quality` -> `real`, `fast` -> `real-fast`), loaded on
/// first need. Every tool with a blind default decides the same way.
public final class BlindModels {
    public let primary: Denoiser
    private let options: ModelOptions
    private let defaultPreset: String
    private var variant: Denoiser?

    public init(options: ModelOptions, defaultPreset: String) throws {
        self.options = options
        self.defaultPreset = defaultPreset
        primary = try options.makeDenoiser(defaultPreset: defaultPreset)
    }

    /// The variant preset used for camera noise, or nil when the user chose a model.
    public var cameraPreset: String? {
        options.model == nil ? ModelCatalog.cameraNoiseVariant(of: defaultPreset, toolDefault: defaultPreset) : nil
    }

    /// The denoiser for a picture with blind level `level` (nil: the noise level was given).
    public func denoiser(for level: BlindNoiseLevel?) throws -> Denoiser {
        guard let level, !level.isWhite, let preset = cameraPreset else { return primary }
        if variant == nil {
            variant = try options.pipeline.makeDenoiser(model: try options.pipeline.loadModel(preset))
        }
        printStatus("camera noise: using \(preset)")
        return variant!
    }
}
