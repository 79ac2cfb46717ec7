import Foundation
import Imaging

/// The noise level blind mode hands the model, for white noise and for the spatially correlated noise that
/// camera pipelines leave (demosaicing, in-camera denoising and sharpening, JPEG).
///
/// `NoiseEstimator` reads the finest scale: on phone photos (SIDD) it finds sigma 1-4 where the noise's
/// per-pixel std is 15-30, because that noise lives at coarser scales. So the image is measured twice:
/// `fine` at full resolution and `coarse` on the 2x2-averaged image, times 2 so that white noise reads the
/// same at both (CBSD68 with AWGN sigma 5-50: coarse/fine <= 1.09). Correlated noise reads far higher at the
/// coarse scale (SIDD: 3-15x). The model, trained on white noise, then needs a sigma above the coarse level
/// to remove it. `Scripts/blind_sigma_study.py` swept the model sigma on real pairs: the best per image was
/// ~3.5 x coarse on SIDD, but only ~1-1.3 x coarse for white noise blurred by a 3x3 binomial filter (a
/// synthetic stand-in for demosaicing), where 3.5 x oversmooths. 2.5 x is the compromise: on the 32 SIDD
/// training pairs 39.62 dB (best fixed sigma per image 40.25; 31.17 with `fine`), on the 11 SIDD validation
/// blocks 36.98 (37.24; 24.74 with `fine`), and on the synthetic noise still above `fine`.
/// Between white and correlated the sigma moves continuously (no jump between two close frames), and a
/// coarse level below 1.5 (a clean picture's own texture; PolyU's camera JPEGs, 0.2-0.9) never counts as
/// correlated noise.
public struct BlindNoiseLevel: Sendable, Equatable {
    /// Sigma of the noise at full resolution (0-255 scale), as `NoiseEstimator` measures it.
    public let fine: Float
    /// 2 x the sigma of the 2x2-averaged image: equal to `fine` for white noise.
    public let coarse: Float

    /// Model sigma = coarseGain x coarse for clearly correlated noise.
    public static let coarseGain: Float = 2.5
    /// The models are trained on sigma 0-55.
    public static let maxSigma: Float = 55
    /// coarse/fine from which noise starts to count as correlated, and from which it fully does.
    public static let ratioRamp: ClosedRange<Float> = 1.25...2
    /// Coarse level (0-255 scale) from which noise starts to count as correlated, and from which it fully does.
    public static let coarseRamp: ClosedRange<Float> = 1.5...3

    public init(fine: Float, coarse: Float) {
        (self.fine, self.coarse) = (fine, coarse)
    }

    /// 0 for white noise, 1 for clearly correlated noise, linear in between.
    public var correlation: Float {
        func ramp(_ value: Float, _ range: ClosedRange<Float>) -> Float {
            min(1, max(0, (value - range.lowerBound) / (range.upperBound - range.lowerBound)))
        }
        return ramp(coarse / max(fine, 1e-3), Self.ratioRamp) * ramp(coarse, Self.coarseRamp)
    }

    /// Correlation below which the noise counts as white (Gaussian, independent per pixel), so that the
    /// model's sigma is its per-pixel level; at or above it, camera noise (the tools switch to the
    /// camera-noise preset there).
    public static let cameraNoiseCorrelation: Float = 0.5

    /// True when the noise reads as white rather than camera noise.
    public var isWhite: Bool { correlation < Self.cameraNoiseCorrelation }

    /// Fine level (0-255 scale) from which white noise counts as Gaussian noise for the white-noise preset
    /// (`gaussian`, ahead of `quality` on CBSD68 from sigma 5: +0.56 dB there, blind). Below it the default
    /// keeps it: camera JPEGs read white and faint (PolyU's 100 pictures: at most 0.44), and their processed
    /// noise is what the default's camera-noise training is for.
    public static let gaussianFloor: Float = 4

    /// True when the noise reads as white Gaussian noise of a clear level (at least `gaussianFloor`).
    public var isGaussian: Bool { isWhite && fine >= Self.gaussianFloor }

    /// The sigma (0-255 scale) the model is given.
    public var modelSigma: Float {
        let correlated = max(fine, min(Self.maxSigma, Self.coarseGain * coarse))
        return fine + correlation * (correlated - fine)
    }
}

extension BlindNoiseLevel: CustomStringConvertible {
    /// For status lines: "sigma 25.0 (0-255 scale)", or both scales and the model sigma for correlated noise.
    public var description: String {
        guard correlation > 0 else { return String(format: "sigma %.1f (0-255 scale)", fine) }
        return String(format: "sigma %.1f at full resolution, %.1f at half (%@ correlated noise, as cameras leave "
                      + "it); model sigma %.1f (0-255 scale)", fine, coarse, correlation < 1 ? "partly" : "spatially",
                      modelSigma)
    }
}

extension NoiseEstimator {
    /// Both scales of `image` (values in [0, 1]).
    public func blindLevel<Image: SampleGrid>(_ image: Image) -> BlindNoiseLevel {
        var reader = BlindLevelReader(estimator: self, width: image.width, height: image.height,
                                      channels: image.colourChannels)
        for y in 0..<image.height { reader.add(row: y) { c, x in image.sample(c, y, x) } }
        return reader.level()
    }
}

/// The blind level of an image read top to bottom a row at a time (a file streamed in bands): the
/// full-resolution patches and those of the 2x2-averaged image (`HalvedGrid`) gathered as rows
/// arrive, one row kept to pair with the next. Gives exactly `NoiseEstimator.blindLevel`.
public struct BlindLevelReader {
    var fine: NoiseEstimator.Patches
    var coarse: NoiseEstimator.Patches
    let width: Int, channels: Int
    var evenRow: [Float] = []  // (channels, width) of the last even row, waiting for its odd partner

    public init(estimator: NoiseEstimator, width: Int, height: Int, channels: Int) {
        fine = .init(estimator: estimator, width: width, height: height, channels: channels)
        coarse = .init(estimator: estimator, width: width / 2, height: height / 2, channels: channels)
        (self.width, self.channels) = (width, channels)
    }

    /// Row `y` (rows in order, from 0) as `sample(channel, x)` in [0, 1].
    public mutating func add(row y: Int, sample: (Int, Int) -> Float) {
        fine.add(row: y, sample: sample)
        if y % 2 == 0 {
            evenRow = [Float](repeating: 0, count: channels * width)
            for c in 0..<channels { for x in 0..<width { evenRow[c * width + x] = sample(c, x) } }
        } else if !evenRow.isEmpty {
            let above = evenRow
            coarse.add(row: y / 2) { c, x in  // summed in HalvedGrid's order
                let sum = above[c * width + 2 * x] + above[c * width + 2 * x + 1] + sample(c, 2 * x) + sample(c, 2 * x + 1)
                return sum / 4
            }
        }
    }

    /// The level once every row was added (call once).
    public mutating func level() -> BlindNoiseLevel {
        BlindNoiseLevel(fine: fine.sigma(), coarse: 2 * coarse.sigma())
    }
}
