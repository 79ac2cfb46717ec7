import DenoiseModels
import Engine
import Foundation
import SkipatModel

/// Resolves what a user typed after `--model`: a bundled preset name or a path to a weight file.
public enum ModelCatalog {
    public static var presets: [String] { Preset.allCases.map(\.rawValue) }

    /// The camera-noise preset to suggest instead of `model` (a preset name or a weight file) in a tool
    /// whose default is `toolDefault`: the variant of `model`, else of the tool's default (a weight file
    /// in `denoise-video` gets `real-fast`); nil when `model` is already trained on camera noise.
    public static func cameraNoiseVariant(of model: String, toolDefault: String) -> String? {
        let variants = BundledWeights.cameraNoiseVariant
        if variants.values.contains(model) { return nil }
        return variants[model] ?? variants[toolDefault]
    }

    /// The white-Gaussian-noise preset to use instead of the tool default `toolDefault`, if it has one.
    public static func whiteNoiseVariant(of toolDefault: String) -> String? {
        BundledWeights.whiteNoiseVariant[toolDefault]
    }

    /// The file `nameOrPath` refers to (a preset's bundled file, or an existing path), if any.
    public static func resolvedPath(_ nameOrPath: String) -> String? {
        if let preset = Preset(rawValue: nameOrPath) { return BundledWeights.url(for: preset.rawValue)?.path }
        return FileManager.default.fileExists(atPath: nameOrPath) ? nameOrPath : nil
    }

    /// A bundled preset. `precision` of its matrix products: by default the fastest the CPU runs
    /// (MatrixPrecision.fastest; `--float32` in the tools).
    public static func load(_ preset: Preset, precision: MatrixPrecision = .fastest) throws -> SkipatDenoiser {
        guard let url = BundledWeights.url(for: preset.rawValue) else {
            throw DenoiserError(preset.rawValue, "bundled weights are missing from this build (reinstall, or train and "
                                + "export them: docs/training.md)")
        }
        return try load(weightFile: url.path, precision: precision)
    }

    /// The model in the weight file at `path`. The file is memory-mapped: the loader checks its header
    /// against its size before any tensor is read (docs/design.md, section 3).
    public static func load(weightFile path: String, precision: MatrixPrecision = .fastest) throws -> SkipatDenoiser {
        let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        guard let type else { throw DenoiserError(path, "no such weight file") }
        guard type == .typeRegular else {
            throw DenoiserError(path, "not a regular file (a weight file is a .safetensors file)")
        }
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw DenoiserError(path, "cannot read the weight file")
        }
        return try SkipatDenoiser(weightBytes: bytes, source: path, precision: precision)
    }

    /// What a user typed after `--model`: a preset name, else a path to a weight file (write ./quality for a
    /// file that has a preset's name).
    public static func load(_ nameOrPath: String, precision: MatrixPrecision = .fastest) throws -> SkipatDenoiser {
        if let preset = Preset(rawValue: nameOrPath) { return try load(preset, precision: precision) }
        guard nameOrPath.contains("/") || nameOrPath.hasSuffix(".safetensors") || FileManager.default.fileExists(atPath: nameOrPath) else {
            throw DenoiserError(nameOrPath, "unknown model: not one of the presets \(presets.joined(separator: ", ")) "
                                + "and not a weight file")
        }
        return try load(weightFile: nameOrPath, precision: precision)
    }
}

/// The bundled models (Sources/DenoiseModels/Weights), in the order users should consider them.
public enum Preset: String, CaseIterable, Sendable {
    /// Photographs: the blind default of `denoise`.
    case quality
    /// Previews and quick runs, about 3x faster than `quality`.
    case fast
    /// White Gaussian noise (synthetic benchmarks, sensors with Gaussian read noise): `quality`'s network
    /// trained on white noise only; `denoise` picks it for a given `--sigma` and for clearly white noise.
    case gaussian
    /// Camera noise: `quality`'s network fine-tuned on SIDD phone noise and synthetic camera noise.
    case real
    /// Phone video: `fast`'s network fine-tuned on SIDD phone noise.
    case realFast = "real-fast"
    /// `quality` with attention in every block (no SKIPAT), for comparison.
    case qualityBaseline = "quality-baseline"
    /// Video: restores each frame from it and two neighbours on each side, motion-compensated (docs/design.md,
    /// section 9); the default of `denoise-video`.
    case video
    /// Video, about twice as fast as `video`: the temporal model on `fast`'s network.
    case videoFast = "video-fast"
}
