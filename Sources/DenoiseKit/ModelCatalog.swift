import DenoiseModels
import Foundation
import SkipatModel

/// Resolves what a user typed after `--model`: a bundled preset name or a path to a weight file.
public enum ModelCatalog {
    public static var presets: [String] { BundledWeights.presets }

    /// The camera-noise preset to suggest instead of `model` (a preset name or a weight file) in a tool
    /// whose default is `toolDefault`: the variant of `model`, else of the tool's default (a weight file
    /// in `denoise-video` gets `real-fast`); nil when `model` is already trained on camera noise.
    public static func cameraNoiseVariant(of model: String, toolDefault: String) -> String? {
        let variants = BundledWeights.cameraNoiseVariant
        if variants.values.contains(model) { return nil }
        return variants[model] ?? variants[toolDefault]
    }

    /// The file `nameOrPath` refers to, if any.
    public static func resolvedPath(_ nameOrPath: String) -> String? {
        if FileManager.default.fileExists(atPath: nameOrPath) { return nameOrPath }
        return BundledWeights.url(for: nameOrPath)?.path
    }

    /// Loads `nameOrPath`. A value that names an existing file is a path; otherwise it must be a preset.
    public static func load(_ nameOrPath: String) throws -> SkipatDenoiser {
        let url: URL
        if FileManager.default.fileExists(atPath: nameOrPath) {
            url = URL(fileURLWithPath: nameOrPath)
        } else if let bundled = BundledWeights.url(for: nameOrPath) {
            url = bundled
        } else {
            throw ModelLoadError(model: nameOrPath, problem: presets.contains(nameOrPath)
                ? "bundled weights are missing from this build (reinstall, or train and export them with Scripts/train.py)"
                : "unknown model: not a file and not one of the presets \(presets.joined(separator: ", "))")
        }
        let type = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.type] as? FileAttributeType
        guard type == .typeRegular else {
            throw ModelLoadError(model: url.path, problem: "not a regular file (a weight file is a .safetensors file)")
        }
        let bytes: Data
        do {
            // Mapped, not read: the loader checks the header against the file's size before touching the data.
            bytes = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw ModelLoadError(model: url.path, problem: "cannot read the weight file")
        }
        return try SkipatDenoiser(weightBytes: bytes, source: url.path)
    }
}

public struct ModelLoadError: Error, CustomStringConvertible {
    public let model: String
    public let problem: String
    public var description: String { "\(model): \(problem)" }
}
