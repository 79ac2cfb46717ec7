import DenoiseKit
import Foundation
import TestSupport
import Testing

/// The README's library example, compiled in a target that imports DenoiseKit alone. The lines between
/// the markers must equal the README's Swift block (less its import line): the test below checks it.
func readmeExample(myPixels: [Float]) throws -> (PlanarImage, PlanarImage, Float) {
    // README BEGIN
    // Your pixels as planes in [0, 1]: channels x height x width (1 = gray, 3 = RGB).
    let noisy = PlanarImage(width: 64, height: 48, channels: 3, pixels: myPixels)
    let denoiser = try Denoiser(preset: .fast, threads: 2)
    let (blind, level) = try denoiser.denoiseBlind(noisy)  // noise level estimated from the image
    let given = try denoiser.denoise(noisy, sigma: 25)  // or given, on the 0-255 scale
    print("estimated noise level \(level.modelSigma)")
    // README END
    return (blind, given, level.modelSigma)
}

@Suite struct ReadmeExampleTests {
    static let readme = URL(fileURLWithPath: Repository.path("README.md"))

    /// The example runs: a flat gray picture with sigma-25 noise comes back at its size, far cleaner.
    @Test func exampleRuns() throws {
        // Uniform noise of standard deviation 25/255 on mid-gray: (u - 1/2) sqrt(12) has standard deviation 1.
        let scale: Float = 25.0 / 255.0 * Float(12).squareRoot()
        var state: UInt64 = 1
        var pixels: [Float] = []
        for _ in 0..<(3 * 64 * 48) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let uniform = Float(state >> 40) / Float(1 << 24)
            pixels.append(0.5 + scale * (uniform - 0.5))
        }
        let (blind, given, sigma) = try readmeExample(myPixels: pixels)
        #expect(blind.width == 64 && blind.height == 48 && given.channels == 3)
        #expect(sigma > 15 && sigma < 35, "estimated \(sigma) for std 25")
        var squares: Float = 0
        for value in given.pixels { squares += (value - 0.5) * (value - 0.5) }
        let residual = (squares / Float(given.pixels.count)).squareRoot() * 255
        #expect(residual < 8, "residual std \(residual) of 25")
    }

    /// The README shows exactly the code compiled above.
    @Test func readmeShowsTheCompiledExample() throws {
        let readme = try String(contentsOf: Self.readme, encoding: .utf8)
        let block = try #require(readme.components(separatedBy: "```swift\n").dropFirst().first?
            .components(separatedBy: "```").first)
        let shown = block.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0 != "import DenoiseKit" }
        let source = try String(contentsOf: URL(fileURLWithPath: Repository.path("Tests/ReadmeExampleTests/ReadmeExampleTests.swift")), encoding: .utf8)
        let compiled = try #require(source.components(separatedBy: "// README BEGIN\n").dropFirst().first?
            .components(separatedBy: "    // README END").first)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(shown == compiled)
    }
}
