import Foundation
import Imaging
import Metrics
import TestSupport
import Testing

/// PSNR and SSIM against scikit-image (fixtures from Scripts/make_metric_fixtures.py).
@Suite struct MetricsTests {
    static let psnrTolerance = 1e-3   // dB
    static let ssimTolerance = 1e-4

    struct Case: Decodable {
        let name: String
        let width: Int, height: Int, channels: Int
        let bit_depth: Int
        let a: [Int], b: [Int]
        let psnr: Double, ssim: Double

        /// Interleaved integers -> planar [0, 1] image.
        func image(_ samples: [Int]) -> PlanarImage {
            let peak = Float((1 << bit_depth) - 1), n = width * height
            var pixels = [Float](repeating: 0, count: samples.count)
            for p in 0..<n { for c in 0..<channels { pixels[c * n + p] = Float(samples[p * channels + c]) / peak } }
            return PlanarImage(width: width, height: height, channels: channels, pixels: pixels)
        }
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: Repository.path("Tests/MetricsTests/Fixtures/metrics.json"))
        struct File: Decodable { let cases: [Case] }
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }()

    /// The fixture file holds the cases the parameterised test below runs (an empty list would run none).
    @Test func fixturesCoverGrayRGBAnd16Bit() {
        #expect(Self.cases.count >= 4)
        #expect(Set(Self.cases.map(\.channels)) == [1, 3])
        #expect(Self.cases.contains { $0.bit_depth == 16 })
    }

    @Test(arguments: cases.map(\.name))
    func matchesScikitImage(name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let (a, b) = (c.image(c.a), c.image(c.b))
        let p = psnr(a, b)
        #expect(abs(p - c.psnr) <= Self.psnrTolerance, "PSNR \(p) vs skimage \(c.psnr)")
        let s = try #require(ssim(a, b))
        #expect(abs(s - c.ssim) <= Self.ssimTolerance, "SSIM \(s) vs skimage \(c.ssim)")
    }

    @Test func identicalImages() {
        let image = PlanarImage(width: 16, height: 16, channels: 3, pixels: (0..<768).map { Float($0 % 17) / 16 })
        #expect(psnr(image, image) == .infinity)
        #expect(abs(ssim(image, image)! - 1) <= 1e-12)
        #expect(ssim(PlanarImage(width: 10, height: 10, channels: 1), PlanarImage(width: 10, height: 10, channels: 1)) == nil)
    }

    @Test func borderCropAndLuma() {
        var a = PlanarImage(width: 8, height: 8, channels: 3, value: 0.5), b = a
        b[0, 0, 0] = 1  // differs only in the corner: a 1-pixel border crop hides it
        #expect(psnr(a, b, border: 1) == .infinity)
        #expect(psnr(a, b) < 40)
        a[1, 3, 3] = 0.25
        b[1, 3, 3] = 0.25
        let y = luma601(PlanarImage(width: 1, height: 1, channels: 3, pixels: [1, 1, 1]))
        #expect(abs(y.pixels[0] - 235.0 / 255) <= 1e-6)  // white is Y = 235 in BT.601 studio range
    }
}

@Suite struct FlickerTests {
    /// Hand-computed: the output rises by 2 levels where the clean frame rises by 1, stays put elsewhere.
    @Test func flickerIsTheMeanChangeError() {
        func image(_ levels: [Float]) -> PlanarImage {
            PlanarImage(width: 2, height: 1, channels: 1, pixels: levels.map { $0 / 255 })
        }
        let value = flicker(previousOutput: image([10, 20]), output: image([12, 20]),
                            previousClean: image([10, 20]), clean: image([11, 20]))
        let tolerance = 1e-4  // levels: the inputs are float32 values of level / 255
        #expect(abs(value - 0.5) < tolerance)  // (|2 - 1| + |0 - 0|) / 2, in 8-bit levels
        #expect(flicker(previousOutput: image([5, 9]), output: image([8, 9]), previousClean: image([0, 0]),
                        clean: image([3, 0])) < tolerance, "changes that follow the clean clip do not flicker")
    }
}
