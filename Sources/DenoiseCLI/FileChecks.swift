import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks made before any work, so that bad paths fail fast with a clear line.
public enum FileChecks {
    /// Longest file name (one path component) the file systems people use accept (NAME_MAX).
    static let maxNameBytes = 255

    /// The input must exist, be a regular file (a link to one is fine) and not be empty; each failure
    /// names what the path really is.
    public static func input(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            switch errno {
            case ENOENT: throw ToolError(path, lstat(path, &info) == 0 ? "broken symbolic link" : "no such file")
            case ELOOP: throw ToolError(path, "symbolic link loop")
            case EACCES: throw ToolError(path, "permission denied")
            case ENAMETOOLONG: throw ToolError(path, "file name too long")
            default: throw ToolError(path, String(cString: strerror(errno)))
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw ToolError(path, "is a directory, not a file")
        case S_IFIFO: throw ToolError(path, "is a FIFO (named pipe), not a regular file")
        case S_IFCHR, S_IFBLK: throw ToolError(path, "is a device, not a regular file")
        case S_IFSOCK: throw ToolError(path, "is a socket, not a regular file")
        default: throw ToolError(path, "is not a regular file")
        }
        guard access(path, R_OK) == 0 else { throw ToolError(path, "is not readable") }
        guard info.st_size > 0 else { throw ToolError(path, "file is empty") }
    }

    /// True when the two paths name one file (after `.`, `..` and symbolic links).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath()
            == URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath()
    }

    /// The output must not be the input, not silently replace a file (unless `force`), and its folder
    /// must exist and be writable.
    public static func output(_ path: String, input: String, force: Bool) throws {
        let resolved = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        if sameFile(path, input) { throw ToolError(path, "is the input file; inputs are never overwritten") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw ToolError(path, "is a directory, not a file") }
            if !force { throw ToolError(path, "already exists (use --force to overwrite it)") }
        }
        // The temporary name is longer than the output's: check both before any work is done.
        let nameBytes = URL(fileURLWithPath: path).lastPathComponent.utf8.count
        let temporaryBytes = URL(fileURLWithPath: AtomicOutput.temporaryPath(for: path)).lastPathComponent.utf8.count
        if max(nameBytes, temporaryBytes) > maxNameBytes {
            throw ToolError(path, "file name is \(nameBytes) bytes; with the temporary name's \(temporaryBytes - nameBytes) "
                            + "extra bytes it must stay within \(maxNameBytes)")
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
