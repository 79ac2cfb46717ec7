import Codec
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes an output through a temporary file in the same folder, renamed into place only on success.
/// On an error, SIGINT or SIGTERM the temporary file is removed, so no partial output ever remains.
public enum AtomicOutput {
    /// Where `write(to:)` writes first: a hidden file beside `path`, same extension, named for this process.
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension.isEmpty ? "" : "." + url.pathExtension
        return url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.deletingPathExtension().lastPathComponent).partial-\(getpid())\(ext)").path
    }

    /// Runs `write` with a temporary path (same folder and extension as `path`), then renames it to `path`.
    public static func write(to path: String, _ write: (String) throws -> Void) throws {
        let temporary = temporaryPath(for: path)
        InterruptCleanup.arm(temporary)
        defer { InterruptCleanup.disarm() }
        do {
            try write(temporary)
            guard rename(temporary, path) == 0 else {
                throw ToolError(path, "cannot move the finished file into place: \(String(cString: strerror(errno)))")
            }
        } catch let error as CodecError where error.file == temporary {
            unlink(temporary)
            throw ToolError(path, error.problem)  // name the file the user asked for, not our temporary
        } catch {
            unlink(temporary)
            throw error
        }
    }
}

/// The temporary file to delete if the process is interrupted. A C string, so the signal handler
/// only calls async-signal-safe functions (unlink, _exit).
private nonisolated(unsafe) var pendingTemporary: UnsafeMutablePointer<CChar>?

public enum InterruptCleanup {
    private static let installOnce: Void = {
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { code in
                if let path = pendingTemporary { unlink(path) }
                _exit(128 + code)
            }
            sigaddset(&set, sig)
        }
        // A parent (a test runner, a shell script) may have started us with these signals blocked.
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }()

    /// Installs the handlers; the tools call it first thing so Ctrl-C works at every stage.
    public static func install() { _ = installOnce }

    static func arm(_ path: String) {
        install()
        disarm()
        pendingTemporary = strdup(path)
    }

    static func disarm() {
        let old = pendingTemporary
        pendingTemporary = nil
        free(old)
    }
}
