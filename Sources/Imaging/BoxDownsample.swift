extension PlanarImage {
    /// Every 2x2 block averaged into one pixel: (channels, height/2, width/2), a last odd row or column dropped.
    /// White noise of std s leaves it with std s/2; noise correlated over neighbouring pixels keeps more.
    public func halvedByBoxMean() -> PlanarImage {
        let (w, h) = (width / 2, height / 2)
        var out = PlanarImage(width: w, height: h, channels: channels)
        for ch in 0..<channels {
            for y in 0..<h {
                for x in 0..<w {
                    let sum = self[ch, 2 * y, 2 * x] + self[ch, 2 * y, 2 * x + 1]
                        + self[ch, 2 * y + 1, 2 * x] + self[ch, 2 * y + 1, 2 * x + 1]
                    out[ch, y, x] = sum / 4
                }
            }
        }
        return out
    }
}
