import DenoiseKit

/// The model a run uses for each picture. With `--model`, always that one. Without it, the tool's default
/// preset, except:
/// - a given noise level (`--sigma`) or a blind level that reads as white Gaussian noise
///   (`BlindNoiseLevel.isGaussian`) goes to the default's white-noise variant (`quality` -> `gaussian`);
/// - a blind level that reads as camera noise (`BlindNoiseLevel.isWhite` false) goes to its camera-noise
///   variant (`quality` -> `real`, `fast` -> `real-fast`).
/// Variants are loaded on first need. Every tool with a blind default decides the same way.
public final class BlindModels {
    public let primary: Denoiser
    private let options: ModelOptions
    private let defaultPreset: String
    private var variants: [String: Denoiser] = [:]

    public init(options: ModelOptions, defaultPreset: String) throws {
        self.options = options
        self.defaultPreset = defaultPreset
        primary = try options.makeDenoiser(defaultPreset: defaultPreset)
    }

    /// The variant preset used for camera noise, or nil when the user chose a model.
    public var cameraPreset: String? {
        options.model == nil ? ModelCatalog.cameraNoiseVariant(of: defaultPreset, toolDefault: defaultPreset) : nil
    }

    /// The variant preset used for white Gaussian noise, or nil when the user chose a model or the
    /// default has none.
    public var gaussianPreset: String? {
        options.model == nil ? ModelCatalog.whiteNoiseVariant(of: defaultPreset) : nil
    }

    /// The preset for a picture with blind level `level` (nil: the noise level was given), or nil for the
    /// primary model.
    public func variant(for level: BlindNoiseLevel?) -> String? {
        guard let level else { return gaussianPreset }
        if !level.isWhite { return cameraPreset }
        return level.isGaussian ? gaussianPreset : nil
    }

    /// The denoiser for a picture with blind level `level` (nil: the noise level was given).
    public func denoiser(for level: BlindNoiseLevel?) throws -> Denoiser {
        guard let preset = variant(for: level) else { return primary }
        if variants[preset] == nil {
            variants[preset] = try options.pipeline.makeDenoiser(model: try options.pipeline.loadModel(preset))
        }
        printStatus("\(level.map { $0.isWhite ? "white noise" : "camera noise" } ?? "noise level given"): using \(preset)")
        return variants[preset]!
    }
}
