import Imaging
import Testing
@testable import DenoiseKit

/// Real files hold clipped noise: a pixel at 0 or 255 cannot go further, so the noise there has a
/// biased mean. A model that returns the mean of what it sees lifts every black and every saturated
/// colour (the bars came back 10 levels off); the Denoiser corrects its output for it
/// (ClippedNoiseCorrection). These tests denoise 75% colour bars with sigma-25 noise rounded to 8 bits,
/// as a PNG holds it, at the known sigma. (Blind, the estimate reads the clipped noise low, 20 instead of
/// 25, and the bars come back within 3-3.5 levels: docs/results.md.)
@Suite struct ClippedNoiseTests {
    /// The eight 75% bars (white, yellow, cyan, green, magenta, red, blue, black), 0-255.
    static let bars: [[Float]] = [[191, 191, 191], [191, 191, 0], [0, 191, 191], [0, 191, 0],
                                  [191, 0, 191], [191, 0, 0], [0, 0, 191], [0, 0, 0]]
    static let barWidth = 32, height = 96
    /// Interior of a bar that the mean is taken over: the edges between bars are left out.
    static let margin = 6
    /// Issue target: each bar's mean colour within 2 levels (0-255) of the clean bar.
    static let tolerance: Float = 2

    static func colourBars() -> PlanarImage {
        var image = PlanarImage(width: bars.count * barWidth, height: height, channels: 3)
        for (index, colour) in bars.enumerated() {
            for c in 0..<3 {
                for y in 0..<height {
                    for x in index * barWidth..<(index + 1) * barWidth { image[c, y, x] = colour[c] / 255 }
                }
            }
        }
        return image
    }

    /// Mean of channel `channel` over the interior of bar `index`, on the 0-255 scale.
    static func barMean(_ image: PlanarImage, _ index: Int, _ channel: Int) -> Float {
        var sum: Float = 0, count: Float = 0
        for y in margin..<(height - margin) {
            for x in (index * barWidth + margin)..<((index + 1) * barWidth - margin) {
                sum += image[channel, y, x]
                count += 1
            }
        }
        return sum / count * 255
    }

    /// The clipped channels (clean 0, where the noise is cut in half) come back within 2 levels at the
    /// known sigma; they came back 9-13 levels high before the correction. Blind, the estimate reads the
    /// clipped noise low (20 for 25) and they come back within 2.4 (`quality`) and 4.2 (`fast`) levels:
    /// the blind target is not met yet (docs/results.md). The 191 channels are not clipped
    /// (191 + 2.5 sigma < 255) and vary with the noise like any flat area (up to 3-4 levels here).
    @Test(arguments: ["quality", "fast"])
    func clippedChannelsComeBackBlack(preset: String) throws {
        let clean = Self.colourBars()
        let noisy = quantized(addGaussianNoise(clean, sigma: 25, seed: 75))  // clipped and rounded, as a PNG holds it
        let denoiser = try Denoiser(model: try ModelCatalog.load(preset), threads: 2)
        let output = quantized(try denoiser.denoise(noisy, sigma: 25))
        for (index, colour) in Self.bars.enumerated() {
            for c in 0..<3 where colour[c] == 0 {
                let mean = Self.barMean(output, index, c)
                let noisyMean = Self.barMean(noisy, index, c)
                #expect(mean <= Self.tolerance, "\(preset): bar \(index) channel \(c): \(mean) (noisy \(noisyMean))")
            }
        }
    }
}
