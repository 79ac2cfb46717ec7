/// A dataset or file problem, printed as one line: "PATH: problem" (the ToolError / CodecError style).
public struct EvaluationError: Error, CustomStringConvertible, Equatable {
    public let subject: String
    public let problem: String

    public init(_ subject: String, _ problem: String) {
        (self.subject, self.problem) = (subject, problem)
    }

    public var description: String { "\(subject): \(problem)" }
}
