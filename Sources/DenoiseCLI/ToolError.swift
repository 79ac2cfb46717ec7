/// A user-facing failure: the file (or option) and what is wrong with it, printed as one line.
public struct ToolError: Error, CustomStringConvertible {
    public let subject: String
    public let problem: String

    public init(_ subject: String, _ problem: String) {
        self.subject = subject
        self.problem = problem
    }

    public var description: String { "\(subject): \(problem)" }
}
