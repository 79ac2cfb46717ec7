import Foundation
import Imaging
import Testing
@testable import Evaluation

@Suite struct NoiseTests {
    struct Case: Decodable { let base: UInt64; let parts: [UInt64]; let seed: String; let values: [Double] }

    /// The Swift generator gives the values of its Python twin (Scripts/make_eval_fixtures.py).
    @Test func matchesThePythonTwin() throws {
        struct File: Decodable { let cases: [Case] }
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("noise.json")))
        for c in try JSONDecoder().decode(File.self, from: data).cases {
            let seed = NoiseSeed.derive(base: c.base, c.parts)
            #expect(String(seed) == c.seed)
            var source = GaussianSource(seed: seed)
            for expected in c.values {
                let value = source.next()
                #expect(abs(value - expected) <= 1e-12 * max(1, abs(expected)), "\(value) vs \(expected)")
            }
        }
    }

    @Test func sameSeedSameNoise() {
        let image = PlanarImage(width: 9, height: 7, channels: 3, value: 0.5)
        let a = addGaussianNoise(image, sigma: 25, seed: 42), b = addGaussianNoise(image, sigma: 25, seed: 42)
        #expect(a == b)
        #expect(a != addGaussianNoise(image, sigma: 25, seed: 43))
        #expect(NoiseSeed.derive(base: 0, [1, 2500]) != NoiseSeed.derive(base: 0, [2, 2500]))
        #expect(NoiseSeed.derive(base: 0, [1, 2500]) != NoiseSeed.derive(base: 0, [1, 1500]))
        #expect(NoiseSeed.derive(base: 0, [1, 2500]) != NoiseSeed.derive(base: 1, [1, 2500]))
        #expect(NoiseSeed.sigmaCode(25) == 2500 && NoiseSeed.sigmaCode(12.5) == 1250)
    }

    /// Standard deviation sigma / 255, zero mean, and not clipped to [0, 1].
    @Test func isUnclippedAWGNOfTheRightStrength() {
        let image = PlanarImage(width: 200, height: 200, channels: 3, value: 0.02)
        let noisy = addGaussianNoise(image, sigma: 50, seed: 7)
        let d = zip(noisy.pixels, image.pixels).map { Double($0) - Double($1) }
        let mean = d.reduce(0, +) / Double(d.count)
        let std = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d.count)).squareRoot()
        #expect(abs(mean) < 0.002)
        #expect(abs(std - 50.0 / 255) < 0.002)
        #expect(noisy.pixels.contains { $0 < 0 })
    }
}
