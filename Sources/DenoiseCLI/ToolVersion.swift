import DenoiseKit
import Foundation
import SkipatModel

/// `--version` of every tool: the release, and each bundled preset with the training step of its weights.
public enum ToolVersion {
    public static let release = "0.9.0"

    /// E.g. "0.9.0 (presets: quality step 30409, fast step 9100, ...)". Reads only the weight files' headers.
    public static var text: String {
        let presets = Preset.allCases.map { preset -> String in
            let file = ModelCatalog.resolvedPath(preset.rawValue).flatMap { path in
                (try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped))
                    .flatMap { try? WeightFile(bytes: $0, source: path) }
            }
            return "\(preset.rawValue) step \(file?.metadata["train_step"] ?? "?")"
        }
        return "\(release) (presets: \(presets.joined(separator: ", ")))"
    }
}
