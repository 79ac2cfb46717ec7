import Foundation

/// Checks made before any work, so that bad paths fail fast with a clear line.
public enum FileChecks {
    /// The input must exist, be a regular file and not be empty.
    public static func input(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ToolError(path, "no such file")
        }
        guard !isDirectory.boolValue else { throw ToolError(path, "is a directory, not a file") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw ToolError(path, "is not readable") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        guard size > 0 else { throw ToolError(path, "file is empty") }
    }

    /// The output must not be the input, not silently replace a file (unless `force`), and its folder
    /// must exist and be writable.
    public static func output(_ path: String, input: String, force: Bool) throws {
        let resolved = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        if resolved == URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath() {
            throw ToolError(path, "is the input file; inputs are never overwritten")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw ToolError(path, "is a directory, not a file") }
            if !force { throw ToolError(path, "already exists (use --force to overwrite it)") }
        }
        let folder = resolved.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ToolError(path, "output folder \(folder) does not exist")
        }
        // Create a probe file rather than trust access(2): root passes access() even where it cannot write.
        let probe = folder + "/.denoise-probe-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: probe, contents: nil) else {
            throw ToolError(path, "output folder \(folder) is not writable")
        }
        try? FileManager.default.removeItem(atPath: probe)
    }
}
