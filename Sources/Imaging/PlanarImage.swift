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

    /// self + t (other - self) per sample, with `other` clamped to [0, 1] first (as it would be saved):
    /// t = 0 gives self, 1 gives other (images of one shape).
    public func interpolated(to other: PlanarImage, by t: Float) -> PlanarImage {
        precondition(other.width == width && other.height == height && other.channels == channels, "shapes differ")
        var out = self
        for i in pixels.indices { out.pixels[i] = pixels[i] + t * (min(max(other.pixels[i], 0), 1) - pixels[i]) }
        return out
    }
}
