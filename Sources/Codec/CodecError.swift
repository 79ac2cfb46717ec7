/// A file that could not be read or written, and why, in one line: "FILE: PROBLEM".
public struct CodecError: Error, CustomStringConvertible {
    public let file: String
    public let problem: String

    public init(file: String, problem: String) {
        (self.file, self.problem) = (file, problem)
    }

    public var description: String { "\(file): \(problem)" }
}

/// Runs an FFmpeg shim call that fails with a negative status plus one line in an error buffer, and
/// throws that line as a `CodecError` about the file `fileFor(status)` names (input or output).
@discardableResult
func ffmpegCall(_ fileFor: (Int32) -> String,
                _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws -> Int32 {
    var message = [CChar](repeating: 0, count: 512)
    let status = message.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
    if status < 0 {
        let problem = String(cString: message)
        throw CodecError(file: fileFor(status), problem: problem.isEmpty ? "failed (status \(status))" : problem)
    }
    return status
}
