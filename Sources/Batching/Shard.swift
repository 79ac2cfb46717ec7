/// `--shard K/N`: of the items in sorted order, this run takes those whose index i has i % N == K, so N
/// runs with K = 0..N-1 (array tasks of a scheduler) cover a batch or a dataset exactly once:
/// `denoise --output-dir` writes each output once, `denoise-eval` results join with `merge`.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public static let all = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        precondition(count >= 1 && index >= 0 && index < count)
        (self.index, self.count) = (index, count)
    }

    /// Parses "K/N" with 0 <= K < N; `option` names the flag in the error (`--segment` for video).
    public init(parsing text: String, option: String = "--shard") throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 0, k < n else {
            throw ShardError(text: text, option: option)
        }
        self.init(index: k, count: n)
    }

    /// This shard's items with their index in the full list (the index seeds the noise).
    public func select<T>(_ items: [T]) -> [(index: Int, item: T)] {
        items.enumerated().filter { $0.offset % count == index }.map { ($0.offset, $0.element) }
    }

    public var description: String { "\(index)/\(count)" }
}

/// A `--shard` (or `--segment`) value that is not K/N with 0 <= K < N; printed as one line naming it.
public struct ShardError: Error, CustomStringConvertible, Equatable {
    public let text: String
    public var option = "--shard"
    public var description: String { "\(option) \(text): expected K/N with 0 <= K < N, e.g. 0/4" }
}
