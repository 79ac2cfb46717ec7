import Foundation

/// One status line on stderr (stdout stays free for data).
public func printStatus(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
