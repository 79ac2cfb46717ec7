import Foundation

/// The weight files shipped inside the package (Sources/DenoiseModels/Weights), found with no download.
public enum BundledWeights {
    /// Preset names in the order users should consider them.
    public static let presets = ["quality", "fast", "quality-baseline"]

    /// URL of the bundled preset `name`, or nil when there is no such file.
    public static func url(for name: String) -> URL? {
        Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Weights")
    }
}
