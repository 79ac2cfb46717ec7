/// Reusable scratch buffers for one forward pass at a time (one workspace per thread).
///
/// A slot grows to the largest size ever requested and is then reused, so after the first tile of a
/// given size the forward pass allocates nothing.
public final class Workspace {
    private var buffers: [UnsafeMutablePointer<Float>?]
    private var capacities: [Int]
    /// Number of times a slot had to (re)allocate: the steady-state tests assert it stops growing.
    public private(set) var allocationCount = 0

    public init(slots: Int) {
        buffers = Array(repeating: nil, count: slots)
        capacities = Array(repeating: 0, count: slots)
    }

    deinit {
        for buffer in buffers { buffer?.deallocate() }
    }

    /// A buffer of at least `count` floats for `slot`. Contents are unspecified.
    public func buffer(_ slot: Int, count: Int) -> UnsafeMutablePointer<Float> {
        if capacities[slot] < count {
            buffers[slot]?.deallocate()
            buffers[slot] = .allocate(capacity: count)
            capacities[slot] = count
            allocationCount += 1
        }
        return buffers[slot]!
    }

    /// Bytes currently held by all slots.
    public var bytes: Int { capacities.reduce(0, +) * MemoryLayout<Float>.stride }
}
