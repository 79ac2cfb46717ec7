import Testing
@testable import Evaluation

@Suite struct SigmaListTests {
    @Test func parsesSigmaLists() throws {
        #expect(try SigmaList.parse("15,25,50") == [15, 25, 50])
        #expect(try SigmaList.parse(" 12.5, 30 ,30") == [12.5, 30])
        for bad in ["", "15,,25", "abc", "300", "-5"] {
            #expect(evaluationError { _ = try SigmaList.parse(bad) }?.subject == "--sigma \(bad)")
        }
    }
}
