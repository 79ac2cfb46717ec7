import Foundation

/// Status lines (estimates, progress, what was written) go to stderr, so stdout stays free for data;
/// `--quiet` turns them off. Errors are printed whatever this says.
public enum Status {
    /// Set once from `--quiet` before any work starts.
    public nonisolated(unsafe) static var quiet = false
}

/// One status line on stderr, unless `--quiet`.
public func printStatus(_ line: String) {
    guard !Status.quiet else { return }
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// One error line on stderr, printed even with `--quiet` (a batch goes on after it).
public func printError(_ line: String) {
    FileHandle.standardError.write(Data(("error: " + line + "\n").utf8))
}
