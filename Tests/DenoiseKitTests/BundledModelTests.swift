import Imaging
import Metrics
import Testing
@testable import DenoiseKit

/// The shipped weights through the whole Swift path (tiling, engine, blending, 8-bit rounding).
@Suite struct BundledModelTests {
    /// Issue floor: the default model gains at least 8 dB on a real picture with sigma-25 AWGN.
    static let minimumGain = 8.0

    @Test(arguments: ["quality", "fast"])
    func gainsOnARealPictureAtSigma25(preset: String) throws {
        let clean = try Repo.clean("astronaut")
        let noisy = addNoise(clean, sigma: 25, seed: 2026)
        let denoiser = try Denoiser(model: try ModelCatalog.load(preset), threads: 2)
        let output = quantized(denoiser.denoise(noisy, sigma: 25))
        let before = psnr(noisy, clean), after = psnr(output, clean)
        #expect(after - before >= Self.minimumGain, "\(preset): \(before) dB -> \(after) dB")
    }

    /// Blind mode (estimated sigma) stays close to the non-blind result. Tolerance 0.3 dB on one image.
    @Test func blindIsCloseToNonBlind() throws {
        let clean = try Repo.clean("coffee")
        let noisy = addNoise(clean, sigma: 25, seed: 7)
        let denoiser = try Denoiser(model: try ModelCatalog.load("quality"), threads: 2)
        let known = psnr(quantized(denoiser.denoise(noisy, sigma: 25)), clean)
        let (blindImage, level) = denoiser.denoiseBlind(noisy)
        let estimate = level.modelSigma
        let blind = psnr(quantized(blindImage), clean)
        #expect(abs(estimate - 25) <= 1.5)
        #expect(known - blind <= 0.3, "non-blind \(known) dB, blind \(blind) dB (estimate \(estimate))")
    }
}
