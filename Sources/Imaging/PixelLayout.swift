/// How a file stores its samples, so an output can be written the way its input came.
public struct PixelLayout: Sendable, Equatable, CustomStringConvertible {
    public enum Channels: Int, Sendable {
        case gray = 1, grayAlpha = 2, rgb = 3, rgba = 4

        public var colorChannels: Int { self == .gray || self == .grayAlpha ? 1 : 3 }
    }

    public var channels: Channels
    /// 8 or 16 bits per sample.
    public var bitDepth: Int

    public init(channels: Channels, bitDepth: Int) {
        precondition(bitDepth == 8 || bitDepth == 16, "bit depth \(bitDepth)")
        (self.channels, self.bitDepth) = (channels, bitDepth)
    }

    public var maxValue: Float { bitDepth == 8 ? 255 : 65535 }

    public var description: String {
        let names: [Channels: String] = [.gray: "gray", .grayAlpha: "gray+alpha", .rgb: "RGB", .rgba: "RGBA"]
        return "\(bitDepth)-bit \(names[channels]!)"
    }
}

/// An image as stored: its samples as integers (interleaved, row-major, `layout.channels` per pixel).
/// Codecs produce and consume this; converting to float never touches alpha.
public struct StoredImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let layout: PixelLayout
    /// Interleaved samples, (height, width, channels), each in 0...layout.maxValue.
    public var samples: [UInt16]

    public init(width: Int, height: Int, layout: PixelLayout, samples: [UInt16]) {
        precondition(samples.count == width * height * layout.channels.rawValue)
        (self.width, self.height, self.layout, self.samples) = (width, height, layout, samples)
    }

    /// The colour planes (1 or 3) scaled to [0, 1].
    public func colorPlanes() -> PlanarImage {
        let stride = layout.channels.rawValue, colors = layout.channels.colorChannels
        let scale = 1 / layout.maxValue, n = width * height
        var pixels = [Float](repeating: 0, count: colors * n)
        for p in 0..<n {
            for c in 0..<colors { pixels[c * n + p] = Float(samples[p * stride + c]) * scale }
        }
        return PlanarImage(width: width, height: height, channels: colors, pixels: pixels)
    }

    /// A copy whose colour samples are `planes` rounded to the bit depth (clamped); alpha unchanged.
    public func replacingColor(with planes: PlanarImage) -> StoredImage {
        precondition(planes.width == width && planes.height == height && planes.channels == layout.channels.colorChannels)
        let stride = layout.channels.rawValue, n = width * height, maxValue = layout.maxValue
        var out = self
        for p in 0..<n {
            for c in 0..<planes.channels {
                out.samples[p * stride + c] = UInt16(quantize(planes.pixels[c * n + p], maxValue: maxValue))
            }
        }
        return out
    }
}

/// x in [0, 1] -> nearest integer in 0...maxValue (round half away from zero, clamped; NaN -> 0).
@inlinable
public func quantize(_ x: Float, maxValue: Float) -> Float {
    guard x == x else { return 0 }
    return min(max((x * maxValue).rounded(), 0), maxValue)
}
