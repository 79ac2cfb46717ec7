import Testing
@testable import Evaluation

@Test func errorReadsAsOneLine() {
    #expect(EvaluationError("a/b", "missing").description == "a/b: missing")
}
