import Foundation

/// The weight files shipped inside the package (Sources/DenoiseModels/Weights), found with no download.
public enum BundledWeights {
    /// The preset fine-tuned on real camera noise from each white-noise preset, which blind mode suggests
    /// when it finds such noise.
    public static let cameraNoiseVariant = ["quality": "real", "quality-baseline": "real", "fast": "real-fast"]

    /// The preset specialised to white Gaussian noise from each default: used when the level is given
    /// (`--sigma`) or blind mode reads clearly white noise (docs/design.md, section 5).
    public static let whiteNoiseVariant = ["quality": "gaussian"]

    /// URL of the bundled preset `name`, or nil when there is no such file.
    public static func url(for name: String) -> URL? {
        Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Weights")
    }
}
