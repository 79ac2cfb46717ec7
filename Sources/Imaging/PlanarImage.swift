/// A planar Float32 image: `channels` planes of `height` rows of `width` samples, nominally in [0, 1].
/// Layout (channels, height, width), row-major inside each plane.
public struct PlanarImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var pixels: [Float]

    public init(width: Int, height: Int, channels: Int, pixels: [Float]) {
        precondition(width >= 0 && height >= 0 && channels > 0 && pixels.count == width * height * channels,
                     "\(pixels.count) samples do not fill \(channels)x\(height)x\(width)")
        (self.width, self.height, self.channels, self.pixels) = (width, height, channels, pixels)
    }

    public init(width: Int, height: Int, channels: Int, value: Float = 0) {
        self.init(width: width, height: height, channels: channels,
                  pixels: [Float](repeating: value, count: width * height * channels))
    }

    public var planeCount: Int { width * height }

    @inlinable
    public subscript(channel: Int, y: Int, x: Int) -> Float {
        get { pixels[(channel * height + y) * width + x] }
        set { pixels[(channel * height + y) * width + x] = newValue }
    }

    /// The planes `range` as a new image (e.g. the colour planes without alpha).
    public func planes(_ range: Range<Int>) -> PlanarImage {
        PlanarImage(width: width, height: height, channels: range.count,
                    pixels: Array(pixels[(range.lowerBound * planeCount)..<(range.upperBound * planeCount)]))
    }
}
