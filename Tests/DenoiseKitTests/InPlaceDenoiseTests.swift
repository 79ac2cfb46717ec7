import DenoiseKit
import Foundation
import Imaging
import TestSupport
import Testing

/// `Denoiser.denoise(_: inout StoredImage)` (banded, in place) against the float-plane path it replaces:
/// the same samples, bit for bit (tolerance 0), for every layout a file can have.
@Suite struct InPlaceDenoiseTests {
    func denoiser() throws -> Denoiser {
        let model = try ModelCatalog.load(Repository.path("Tests/SkipatModelTests/Fixtures/tiny-skipat.safetensors"))
        return try Denoiser(model: model, tileSize: 32, overlap: 8, threads: 2)
    }

    /// Seeded samples of `layout`, alpha a ramp (so an untouched alpha is visible).
    func stored(width: Int, height: Int, _ layout: PixelLayout) -> StoredImage {
        var rng = SplitMix64(seed: UInt64(width * 131 + height))
        let stride = layout.channels.rawValue, top = UInt64(layout.maxValue)
        let samples = (0..<(width * height * stride)).map { i -> UInt16 in
            let isAlpha = stride == 2 || stride == 4 ? i % stride == stride - 1 : false
            return isAlpha ? UInt16((i / stride) % Int(top + 1)) : UInt16(rng.next() % (top + 1))
        }
        return StoredImage(width: width, height: height, layout: layout, samples: samples)
    }

    @Test(arguments: [(PixelLayout.Channels.rgb, 8, 70, 45), (.rgba, 8, 33, 90), (.gray, 16, 50, 50),
                      (.grayAlpha, 16, 29, 61), (.rgb, 16, 1, 1)])
    func sameSamplesAsTheFloatPlanePath(channels: PixelLayout.Channels, bitDepth: Int, width: Int, height: Int) throws {
        let d = try denoiser()
        let original = stored(width: width, height: height, PixelLayout(channels: channels, bitDepth: bitDepth))
        for (sigma, whiteNoise) in [(Float(20), true), (Float(20), false), (Float(0), true)] {
            let expected = original.replacingColor(with: try d.denoise(original.colorPlanes(), sigma: sigma, whiteNoise: whiteNoise))
            var image = original
            try d.denoise(&image, sigma: sigma, whiteNoise: whiteNoise)
            #expect(image == expected, "\(channels) \(bitDepth)-bit \(width)x\(height), sigma \(sigma), white \(whiteNoise)")
        }
    }

    /// Streamed (rows read and written through closures, in chunks the run asks for) = in place.
    @Test(arguments: [(PixelLayout.Channels.rgba, 8, 70, 150), (.gray, 16, 41, 97), (.rgb, 8, 3, 2)])
    func streamedRowsGiveTheSameSamples(channels: PixelLayout.Channels, bitDepth: Int, width: Int, height: Int) throws {
        let d = try denoiser()
        let original = stored(width: width, height: height, PixelLayout(channels: channels, bitDepth: bitDepth))
        var inPlace = original
        try d.denoise(&inPlace, sigma: 15)
        let rowSize = width * channels.rawValue
        var (readRows, written) = (0, [UInt16]())
        try d.denoise(width: width, height: height, layout: original.layout, sigma: 15, readRows: { count in
            defer { readRows += count }
            return Array(original.samples[(readRows * rowSize)..<((readRows + count) * rowSize)])
        }, writeRows: { samples, count in
            #expect(samples.count == count * rowSize)
            written += samples
        })
        #expect(readRows == height && written == inPlace.samples)
    }

    /// The blind level read from the samples equals the one measured on their float planes.
    @Test func blindLevelFromSamplesEqualsPlanes() throws {
        let image = stored(width: 120, height: 80, PixelLayout(channels: .rgb, bitDepth: 8))
        let estimator = NoiseEstimator()
        #expect(estimator.blindLevel(image) == estimator.blindLevel(image.colorPlanes()))
    }
}
