import Batching
import Testing

@Suite struct ShardTests {
    @Test func takesEveryNthItemFromK() throws {
        let items = Array("abcdefg")
        let shard = try Shard(parsing: "1/3")
        #expect(shard.select(items).map(\.item) == ["b", "e"])
        #expect(shard.select(items).map(\.index) == [1, 4])  // indices in the full list (they seed the noise)
        #expect(Shard.all.select(items).count == 7)
        #expect(shard.description == "1/3")
    }

    @Test func shardsCoverEveryItemOnce() throws {
        let items = Array(0..<23)
        var seen: [Int] = []
        for k in 0..<4 { seen += try Shard(parsing: "\(k)/4").select(items).map(\.item) }
        #expect(seen.sorted() == items)
    }

    @Test(arguments: ["3/3", "-1/2", "1", "a/b", "0/0", "1/2/3", ""])
    func refusesBadShards(text: String) {
        let error = #expect(throws: ShardError.self) { _ = try Shard(parsing: text) }
        #expect(error?.description == "--shard \(text): expected K/N with 0 <= K < N, e.g. 0/4")
    }
}
