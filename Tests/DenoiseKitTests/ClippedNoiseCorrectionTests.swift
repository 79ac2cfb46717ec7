import Foundation
import Imaging
import Testing
@testable import DenoiseKit

/// The clipped-noise correction (Foi 2009) against its definition and a Monte Carlo of clipped noise.
@Suite struct ClippedNoiseCorrectionTests {
    /// E[max(0, x + n)] by simulation agrees with the closed form (tolerance 0.5% of sigma: over three
    /// standard errors of a 400k-draw mean, whose standard deviation is at most sigma).
    @Test func clippedMeanMatchesSimulation() {
        var source = GaussianSource(seed: 9)
        let s = 0.1
        for x in [-0.1, 0.0, 0.05, 0.2] {
            var sum = 0.0
            for _ in 0..<400_000 { sum += max(0, x + s * source.next()) }
            #expect(abs(sum / 400_000 - ClippedNoiseCorrection.clippedMean(x, s)) < 0.005 * s, "x \(x)")
        }
    }

    /// The correction inverts the clipped mean at both ends (tolerance 1e-4) and leaves mid-tones alone.
    @Test func invertsTheClippedMean() {
        let correction = ClippedNoiseCorrection(sigma255: 25)
        let s = 25.0 / 255
        for x in [0.0, 0.01, 0.05, 0.1, 0.2] {
            let dark = Float(ClippedNoiseCorrection.clippedMean(x, s))
            #expect(abs(Double(correction.corrected(dark)) - x) < 1e-4, "dark \(x)")
            let bright = Float(1 - ClippedNoiseCorrection.clippedMean(x, s))
            #expect(abs(Double(correction.corrected(bright)) - (1 - x)) < 1e-4, "bright \(x)")
        }
        #expect(correction.corrected(0.5) == 0.5)
        // The mean of clipped noise on black (about 0.4 sigma) goes back to black.
        #expect(correction.corrected(Float(0.3989 * s)) < 1e-3)
    }

    @Test func appliesOnlyToClippedInputs() {
        #expect(ClippedNoiseCorrection.isClipped(PlanarImage(width: 2, height: 1, channels: 1, pixels: [0, 1])))
        #expect(!ClippedNoiseCorrection.isClipped(PlanarImage(width: 2, height: 1, channels: 1, pixels: [-0.01, 0.5])))
    }
}
