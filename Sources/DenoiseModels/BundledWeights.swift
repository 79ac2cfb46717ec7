import Foundation

/// The weight files shipped inside the package (Sources/DenoiseModels/Weights), found with no download.
public enum BundledWeights {
    /// Preset names in the order users should consider them: `quality` (white noise, the default for
    /// images), `fast` (the default for video), `real` (the quality network fine-tuned on camera noise),
    /// `quality-baseline` (attention in every block, for the SKIPAT comparison).
    public static let presets = ["quality", "fast", "real", "quality-baseline"]

    /// The preset trained on real camera noise, which blind mode suggests when it finds such noise.
    public static let cameraNoisePreset = "real"

    /// URL of the bundled preset `name`, or nil when there is no such file.
    public static func url(for name: String) -> URL? {
        Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Weights")
    }
}
