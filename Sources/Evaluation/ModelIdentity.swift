import DenoiseKit
import Foundation

/// Which weights produced a result: the name given to --model and the SHA-256 of the file's bytes,
/// so numbers can be tied to one exact weight file even after a preset is retrained.
public struct ModelIdentity: Codable, Sendable, Equatable {
    public var name: String
    public var sha256: String

    public init(name: String, sha256: String) { (self.name, self.sha256) = (name, sha256) }

    /// The identity of `nameOrPath` (a preset name or a weight file), as ModelCatalog resolves it.
    public static func of(_ nameOrPath: String) throws -> ModelIdentity {
        guard let path = ModelCatalog.resolvedPath(nameOrPath), let bytes = FileManager.default.contents(atPath: path) else {
            throw EvaluationError(nameOrPath, "cannot read the weight file")
        }
        return ModelIdentity(name: nameOrPath, sha256: SHA256.hex(bytes))
    }
}
