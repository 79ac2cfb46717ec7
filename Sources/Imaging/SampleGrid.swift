/// Read access to the colour samples of an image in [0, 1], whatever holds them: float planes, a
/// decoded file's integer samples, or a 2x2-averaged view of either. Whole-image statistics (the blind
/// noise level) read a decoded file through it without a float copy of the image.
public protocol SampleGrid {
    var width: Int { get }
    var height: Int { get }
    /// 1 (gray) or 3 (RGB); alpha is not a colour channel.
    var colourChannels: Int { get }
    func sample(_ channel: Int, _ y: Int, _ x: Int) -> Float
}

extension PlanarImage: SampleGrid {
    public var colourChannels: Int { channels }
    @inlinable public func sample(_ channel: Int, _ y: Int, _ x: Int) -> Float { self[channel, y, x] }
}

extension StoredImage: SampleGrid {
    public var colourChannels: Int { layout.channels.colorChannels }
    /// The same value `colorPlanes()` gives.
    @inlinable public func sample(_ channel: Int, _ y: Int, _ x: Int) -> Float {
        Float(samples[(y * width + x) * layout.channels.rawValue + channel]) * (1 / layout.maxValue)
    }
}

/// Every 2x2 block of `base` averaged into one sample: (channels, height/2, width/2), a last odd row or
/// column dropped. White noise of std s leaves it with std s/2; noise correlated over neighbouring
/// pixels keeps more.
public struct HalvedGrid<Base: SampleGrid>: SampleGrid {
    public let base: Base
    public init(_ base: Base) { self.base = base }
    public var width: Int { base.width / 2 }
    public var height: Int { base.height / 2 }
    public var colourChannels: Int { base.colourChannels }
    @inlinable public func sample(_ channel: Int, _ y: Int, _ x: Int) -> Float {
        let sum = base.sample(channel, 2 * y, 2 * x) + base.sample(channel, 2 * y, 2 * x + 1)
            + base.sample(channel, 2 * y + 1, 2 * x) + base.sample(channel, 2 * y + 1, 2 * x + 1)
        return sum / 4
    }
}
