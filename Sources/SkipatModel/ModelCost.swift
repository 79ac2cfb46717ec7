extension ModelConfig {
    /// Multiply-accumulates per input pixel of one forward pass: GEMMs, attention products, convs.
    /// Mirrors `count_macs_per_pixel` in Scripts/skipat_model.py (checked by a test).
    public var macsPerPixel: Double {
        func block(_ w: Int, _ share: Double, _ index: Int) -> Double {
            let w = Double(w)
            let leff = 2 * w * Double(mlpRatio) * w + 9 * Double(mlpRatio) * w
            let mixer = phiBlocks.contains(index)
                ? 2 * w * Double(phiRatio) * w + Double(phiKernel * phiKernel * phiRatio) * w
                : 4 * w * w + 2 * Double(window * window) * w
            return share * (mixer + leff)
        }
        let c = channels, n = levels
        var total = Double(9 * inChannels * c + 9 * 2 * c * outChannels)
        if frames > 1 { total += Double(9 * inChannels * fusionWidth + 9 * fusionWidth * c) }
        for i in 0..<n {
            let share = 1 / Double(1 << (2 * i))
            for j in 0..<depth { total += block(c << i, share, j) + block(2 * c << i, share, j) }
            total += Double(16 * (c << i) * (c << (i + 1))) * share / 4
            let cin = i == n - 1 ? c << n : 2 * c << (i + 1)
            total += Double(4 * cin * (c << i)) * share / 4
        }
        for j in 0..<depth { total += block(c << n, 1 / Double(1 << (2 * n)), j) }
        return total
    }
}
