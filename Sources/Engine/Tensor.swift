/// A dense row-major Float32 tensor with an explicit shape, e.g. a Linear weight `(out, in)`.
/// Weights and fixtures use it; the forward pass works on raw buffers from a `Workspace`.
public struct Tensor: Sendable, Equatable {
    public let shape: [Int]
    public var storage: [Float]

    public init(shape: [Int], storage: [Float]) {
        precondition(shape.reduce(1, *) == storage.count, "shape \(shape) does not match \(storage.count) values")
        self.shape = shape
        self.storage = storage
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, storage: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    public var count: Int { storage.count }

    /// Calls `body` with a pointer to the values; valid only inside the closure.
    @inlinable
    public func withPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }
}
