import Codec
import DenoiseKit
import Foundation
import TestSupport
import Testing

/// The README's library examples, compiled in a target that imports the two library products alone. The
/// lines between each pair of markers must equal the README's Swift blocks in order (less their import
/// lines): the test below checks it.
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

/// The README's file example: a photograph in, a photograph out.
func readmeFileExample(input: String, output: String, denoiser: Denoiser) throws {
    // README BEGIN
    let photo = try Photo.read(path: input)  // PNG, JPEG, TIFF, BMP; EXIF orientation applied
    let clean = try denoiser.denoiseBlind(photo.image.colorPlanes()).image
    try photo.replacingColor(with: clean).write(to: output)  // format by extension, metadata kept
    // README END
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

    /// The file example writes an upright JPEG with the input's EXIF and ICC profile.
    @Test func fileExampleKeepsOrientationAndMetadata() throws {
        let input = Repository.path("Tests/CodecTests/Fixtures/photo-exif-icc.jpg")  // stored turned, orientation 6
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString).jpg").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        try readmeFileExample(input: input, output: output, denoiser: try Denoiser(preset: .fast, threads: 2))
        let written = try Photo.read(path: output)
        #expect(written.image.width == 32 && written.image.height == 16, "upright")
        #expect(written.metadata.iccProfile == ImageMetadata.read(path: input).iccProfile)
        #expect(written.metadata.exif.map { $0.range(of: Data("TestCam".utf8)) != nil } == true)
        #expect(ImageFile.exifOrientation(path: output) == 1)
    }

    /// The README shows exactly the code compiled above, block for block.
    @Test func readmeShowsTheCompiledExamples() throws {
        let imports: Set<String> = ["import DenoiseKit", "import Codec"]
        let readme = try String(contentsOf: Self.readme, encoding: .utf8)
        let shown = readme.components(separatedBy: "```swift\n").dropFirst().map { block in
            (block.components(separatedBy: "```").first ?? "").split(separator: "\n")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !imports.contains($0) }
        }
        let source = try String(contentsOf: URL(fileURLWithPath: Repository.path("Tests/ReadmeExampleTests/ReadmeExampleTests.swift")), encoding: .utf8)
        let compiled = source.components(separatedBy: "// README BEGIN\n").dropFirst().map { part in
            (part.components(separatedBy: "    // README END").first ?? "").split(separator: "\n")
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        #expect(compiled.count == 2)
        #expect(shown == compiled)
    }
}
