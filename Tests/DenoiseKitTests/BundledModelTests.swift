import Imaging
import Metrics
import Testing
@testable import DenoiseKit

/// The shipped weights through the whole Swift path (tiling, engine, blending, 8-bit rounding).
@Suite struct BundledModelTests {
    /// Issue floor: the default model gains at least 8 dB on a real picture with sigma-25 AWGN.
    static let minimumGain = 8.0

    /// `real` and `real-fast` are included: fine-tuned on camera noise, they must still hold up on white noise.
    @Test(arguments: ["quality", "fast", "real", "real-fast"])
    func gainsOnARealPictureAtSigma25(preset: String) throws {
        let clean = try Repo.clean("astronaut")
        let noisy = addGaussianNoise(clean, sigma: 25, seed: 2026)
        let denoiser = try Denoiser(model: try ModelCatalog.load(preset), threads: 2)
        let output = quantized(try denoiser.denoise(noisy, sigma: 25))
        let before = psnr(noisy, clean), after = psnr(output, clean)
        #expect(after - before >= Self.minimumGain, "\(preset): \(before) dB -> \(after) dB")
    }

    /// Blind mode (estimated sigma) stays close to the non-blind result. Tolerance 0.3 dB on one image.
    @Test func blindIsCloseToNonBlind() throws {
        let clean = try Repo.clean("coffee")
        let noisy = addGaussianNoise(clean, sigma: 25, seed: 7)
        let denoiser = try Denoiser(model: try ModelCatalog.load("quality"), threads: 2)
        let known = psnr(quantized(try denoiser.denoise(noisy, sigma: 25)), clean)
        let (blindImage, level) = try denoiser.denoiseBlind(noisy)
        let estimate = level.modelSigma
        let blind = psnr(quantized(blindImage), clean)
        #expect(abs(estimate - 25) <= 1.5)
        #expect(known - blind <= 0.3, "non-blind \(known) dB, blind \(blind) dB (estimate \(estimate))")
    }

    /// Real phone noise (Samples/phone-noisy.png, a SIDD validation block never trained on), blind: the
    /// default presets, trained on camera noise too, remove most of it, and each camera-noise preset (the
    /// one blind mode switches to for such noise) is at least as good as the default it was fine-tuned
    /// from. Measured: 22.36 dB noisy; `quality` 38.33, `real` 39.90; `fast` 36.55, `real-fast` 37.28.
    @Test(arguments: [("quality", "real", 15.0), ("fast", "real-fast", 13.0)])
    func realPhoneNoise(preset: String, camera: String, minimumGain: Double) throws {
        let noisy = try Repo.sample("phone-noisy.png"), clean = try Repo.sample("phone-clean.png")
        func blindPSNR(_ preset: String) throws -> Double {
            let denoiser = try Denoiser(model: try ModelCatalog.load(preset), threads: 2)
            return psnr(quantized(try denoiser.denoiseBlind(noisy).image), clean)
        }
        let before = psnr(noisy, clean), defaultResult = try blindPSNR(preset), cameraResult = try blindPSNR(camera)
        #expect(defaultResult - before >= minimumGain, "\(preset): noisy \(before) dB -> \(defaultResult) dB")
        #expect(cameraResult - before >= minimumGain, "\(camera): noisy \(before) dB -> \(cameraResult) dB")
        #expect(cameraResult >= defaultResult, "\(preset) \(defaultResult) dB, \(camera) \(cameraResult) dB")
    }
}
