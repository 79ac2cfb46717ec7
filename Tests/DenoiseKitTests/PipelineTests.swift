import Codec
import DenoiseModels
import Foundation
import Imaging
import Metrics
import SkipatModel
import TestSupport
import Testing
@testable import DenoiseKit
import Tiling

enum Repo {
    static let root = Repository.root
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// A PNG of the repository (path relative to its root) as [0, 1] planes.
    static func image(_ relative: String) throws -> PlanarImage {
        try PNGCodec.read(path: path(relative), maxPixels: 1 << 24).colorPlanes()
    }

    /// A file of Samples/ as [0, 1] planes.
    static func sample(_ file: String) throws -> PlanarImage { try image("Samples/\(file)") }

    /// A clean sample as [0, 1] planes.
    static func clean(_ name: String) throws -> PlanarImage { try sample("\(name)-clean.png") }
}

/// Rounds to 8 bits, as a saved output would be.
func quantized(_ image: PlanarImage) -> PlanarImage {
    var q = image
    q.pixels = q.pixels.map { quantize($0, maxValue: 255) / 255 }
    return q
}

@Suite struct PipelineTests {
    func fixtureDenoiser(tile: Int = 32, overlap: Int = 8, selfEnsemble: Bool = false) throws -> Denoiser {
        let model = try ModelCatalog.load(Repo.path("Tests/SkipatModelTests/Fixtures/tiny-skipat.safetensors"))
        return try Denoiser(model: model, tileSize: tile, overlap: overlap, threads: 2, selfEnsemble: selfEnsemble)
    }

    /// Any size from 1x1 up, gray or RGB, comes back at its own size with finite values.
    @Test(arguments: [(1, 1, 1), (1, 1, 3), (37, 23, 3), (70, 33, 1), (16, 96, 3)])
    func keepsSizeAndLayout(width: Int, height: Int, channels: Int) throws {
        let image = PlanarImage(width: width, height: height, channels: channels,
                                pixels: (0..<(width * height * channels)).map { Float($0 % 13) / 13 })
        let out = try fixtureDenoiser().denoise(image, sigma: 15)
        #expect(out.width == width && out.height == height && out.channels == channels)
        #expect(out.pixels.allSatisfy { $0.isFinite })
    }

    /// Self-ensemble on a single tile (image = tile, no overlap) is the mean over the 8 symmetries of the
    /// plain model run on the transformed image and mapped back. Tolerance 1e-5 (float sums in another order).
    @Test func selfEnsembleAveragesTheEightSymmetries() throws {
        let size = 32
        let image = PlanarImage(width: size, height: size, channels: 3,
                                pixels: (0..<(3 * size * size)).map { Float(($0 * 7919) % 256) / 255 })
        let plain = try fixtureDenoiser(tile: size, overlap: 0)
        let ensemble = try fixtureDenoiser(tile: size, overlap: 0, selfEnsemble: true)
        #expect(ensemble.selfEnsemble && !plain.selfEnsemble)
        var expected = [Float](repeating: 0, count: image.pixels.count)
        let plane = size * size
        for symmetry in SquareSymmetry.all {
            let source = symmetry.sourceIndices(size: size)
            var transformed = image
            for c in 0..<3 { for p in 0..<plane { transformed.pixels[c * plane + p] = image.pixels[c * plane + source[p]] } }
            // The clipped-noise correction (a per-sample map after the model) is off: this checks the averaging.
            let out = try plain.denoise(transformed, sigma: 20, whiteNoise: false)
            for c in 0..<3 { for p in 0..<plane { expected[c * plane + source[p]] += out.pixels[c * plane + p] / 8 } }
        }
        let got = try ensemble.denoise(image, sigma: 20, whiteNoise: false).pixels
        let worst = zip(got, expected).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-5, "max difference \(worst)")
        // The symmetries matter: the ensemble is not just the plain output (the model is not equivariant).
        let single = try plain.denoise(image, sigma: 20, whiteNoise: false).pixels
        #expect(zip(got, single).map { abs($0 - $1) }.max()! > 1e-4)
    }

    @Test func rejectsTileSizesTheModelCannotTake() throws {
        let model = try ModelCatalog.load(Repo.path("Tests/SkipatModelTests/Fixtures/tiny-skipat.safetensors"))
        #expect(throws: DenoiserError.self) { try Denoiser(model: model, tileSize: 40, overlap: 8) }  // not a multiple of 16
        #expect(throws: DenoiserError.self) { try Denoiser(model: model, tileSize: 32, overlap: 32) }
    }

    @Test func unknownModelAndCorruptWeightFile() throws {
        #expect(throws: DenoiserError.self) { try ModelCatalog.load("no-such-preset") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString).safetensors")
        try Data("garbage".utf8).write(to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: WeightFileError.self) { try ModelCatalog.load(folder.path) }
    }

    /// Blind mode's hint names the camera-noise variant of the model in use; a weight file gets the variant
    /// of the tool's default; a camera-noise preset gets none. Every suggested preset is bundled.
    @Test func cameraNoiseVariants() throws {
        #expect(ModelCatalog.cameraNoiseVariant(of: "quality", toolDefault: "quality") == "real")
        #expect(ModelCatalog.cameraNoiseVariant(of: "fast", toolDefault: "quality") == "real-fast")
        #expect(ModelCatalog.cameraNoiseVariant(of: "/tmp/mine.safetensors", toolDefault: "fast") == "real-fast")
        #expect(ModelCatalog.cameraNoiseVariant(of: "/tmp/mine.safetensors", toolDefault: "quality") == "real")
        #expect(ModelCatalog.cameraNoiseVariant(of: "real", toolDefault: "fast") == nil)
        #expect(ModelCatalog.cameraNoiseVariant(of: "real-fast", toolDefault: "quality") == nil)
        for preset in Set(BundledWeights.cameraNoiseVariant.values) {
            #expect(ModelCatalog.presets.contains(preset) && ModelCatalog.resolvedPath(preset) != nil, "\(preset)")
        }
    }

    /// The white-noise variant of the image default is bundled, and is the same network, so a given sigma
    /// costs no speed; the video defaults have none.
    @Test func whiteNoiseVariants() throws {
        #expect(ModelCatalog.whiteNoiseVariant(of: "quality") == "gaussian")
        #expect(ModelCatalog.whiteNoiseVariant(of: "video") == nil && ModelCatalog.whiteNoiseVariant(of: "fast") == nil)
        for (base, preset) in BundledWeights.whiteNoiseVariant {
            #expect(ModelCatalog.presets.contains(preset) && ModelCatalog.resolvedPath(preset) != nil, "\(preset)")
            #expect(try ModelCatalog.load(preset).config == (try ModelCatalog.load(base).config), "\(preset)")
        }
    }
}

@Suite struct NoiseEstimatorTests {
    /// Chen et al.'s estimator on real pictures with known AWGN. Tolerance: 1.5 on the 0-255 scale
    /// (the bound for the mean error on CBSD68).
    @Test(arguments: [5, 15, 25, 50] as [Float])
    func recoversKnownSigma(sigma: Float) throws {
        for name in ["astronaut", "coffee"] {
            let noisy = addGaussianNoise(try Repo.clean(name), sigma: Double(sigma), seed: 11)
            let estimate = NoiseEstimator().estimate(noisy)
            #expect(abs(estimate - sigma) <= 1.5, "\(name) sigma \(sigma): estimated \(estimate)")
        }
    }

    @Test func cleanFlatImageHasNoNoise() {
        #expect(NoiseEstimator().estimate(PlanarImage(width: 64, height: 64, channels: 3, value: 0.4)) < 0.01)
        #expect(NoiseEstimator().estimate(PlanarImage(width: 4, height: 4, channels: 3, value: 0.4)) == 0)
    }
}
