/// EXIF orientation (TIFF tag 274): how the stored pixels must be turned to show the picture upright.
///   1 as stored, 2 mirrored left-right, 3 turned 180 degrees, 4 mirrored top-bottom,
///   5 transposed, 6 turned 90 degrees clockwise, 7 transversed, 8 turned 90 degrees counter-clockwise.
extension StoredImage {
    /// The upright picture for a stored image tagged `orientation` (1-8; anything else: unchanged).
    public func applyingOrientation(_ orientation: Int) -> StoredImage {
        guard (2...8).contains(orientation) else { return self }
        let swapsSides = orientation >= 5
        let (outWidth, outHeight) = swapsSides ? (height, width) : (width, height)
        let channels = layout.channels.rawValue
        var out = [UInt16](repeating: 0, count: samples.count)
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                // The stored pixel that lands at (x, y) of the upright picture.
                let (sx, sy): (Int, Int)
                switch orientation {
                case 2: (sx, sy) = (width - 1 - x, y)
                case 3: (sx, sy) = (width - 1 - x, height - 1 - y)
                case 4: (sx, sy) = (x, height - 1 - y)
                case 5: (sx, sy) = (y, x)
                case 6: (sx, sy) = (y, height - 1 - x)
                case 7: (sx, sy) = (width - 1 - y, height - 1 - x)
                default: (sx, sy) = (width - 1 - y, x)  // 8
                }
                let source = (sy * width + sx) * channels, target = (y * outWidth + x) * channels
                for c in 0..<channels { out[target + c] = samples[source + c] }
            }
        }
        return StoredImage(width: outWidth, height: outHeight, layout: layout, samples: out)
    }
}
