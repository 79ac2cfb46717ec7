import Codec
import Foundation
import Imaging
import TestSupport
import Testing

/// Fixtures come from Scripts/make_sample_clip.sh: one 41x31 astronaut crop as 8-bit BMP, 16-bit TIFF
/// (exactly v * 257), RGBA TIFF (alpha 6 * x) and JPEG; one 32x24 gray camera crop as palette BMP and
/// 16-bit TIFF.
struct StillImageTests {
    static func fixture(_ name: String) -> String {
        Repository.path("Tests/CodecTests/Fixtures/\(name)")
    }
    static func decode(_ name: String) throws -> StoredImage {
        try decodeStillImage(path: fixture(name), maxPixels: 1 << 20)
    }

    @Test func bmpGivesEightBitRGB() throws {
        let image = try Self.decode("astronaut-41x31.bmp")
        #expect(image.width == 41 && image.height == 31)
        #expect(image.layout == PixelLayout(channels: .rgb, bitDepth: 8))
        #expect(Array(image.samples.prefix(3)) == [182, 174, 166])  // top-left pixel, read with the ffmpeg CLI
    }

    @Test func sixteenBitTIFFHoldsTheSameRGB() throws {
        let eight = try Self.decode("astronaut-41x31.bmp"), sixteen = try Self.decode("astronaut-41x31-rgb48.tif")
        #expect(sixteen.layout == PixelLayout(channels: .rgb, bitDepth: 16))
        #expect(sixteen.width == 41 && sixteen.height == 31)
        #expect(sixteen.samples == eight.samples.map { $0 * 257 })
    }

    @Test func rgbaTIFFKeepsAlpha() throws {
        let rgb = try Self.decode("astronaut-41x31.bmp"), rgba = try Self.decode("astronaut-41x31-rgba.tif")
        #expect(rgba.layout == PixelLayout(channels: .rgba, bitDepth: 8))
        let colors = (0..<41 * 31).flatMap { p in rgba.samples[4 * p..<4 * p + 3] }
        #expect(colors == rgb.samples)
        #expect((0..<41 * 31).allSatisfy { p in rgba.samples[4 * p + 3] == UInt16(6 * (p % 41)) })
    }

    @Test func jpegIsCloseToTheBMP() throws {
        let bmp = try Self.decode("astronaut-41x31.bmp"), jpeg = try Self.decode("astronaut-41x31.jpg")
        #expect(jpeg.layout == PixelLayout(channels: .rgb, bitDepth: 8))
        #expect(jpeg.width == 41 && jpeg.height == 31)
        let meanError = zip(bmp.samples, jpeg.samples).map { abs(Double($0) - Double($1)) }.reduce(0, +)
            / Double(bmp.samples.count)
        #expect(meanError < 6)  // levels of 255; quality ~95 JPEG with 4:2:0 chroma measured 2.5
    }

    @Test func grayStaysGray() throws {
        let palette = try Self.decode("camera-32x24.bmp"), sixteen = try Self.decode("camera-32x24-gray16.tif")
        #expect(palette.layout == PixelLayout(channels: .gray, bitDepth: 8))  // a gray palette is gray
        #expect(sixteen.layout == PixelLayout(channels: .gray, bitDepth: 16))
        #expect(palette.width == 32 && palette.height == 24)
        #expect(palette.samples.first == 206)  // top-left pixel, read with the ffmpeg CLI
        #expect(sixteen.samples == palette.samples.map { $0 * 257 })
    }

    @Test func refusesImagesOverThePixelLimit() throws {
        let path = Self.fixture("astronaut-41x31.bmp")
        let error = try #require(throws: CodecError.self) { try decodeStillImage(path: path, maxPixels: 41 * 31 - 1) }
        #expect(error.file == path)
        #expect(error.problem.contains("41x31"))
        #expect(try decodeStillImage(path: path, maxPixels: 41 * 31).width == 41)
    }

    @Test func badFilesGiveClearErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("StillImageTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = folder.appendingPathComponent("notes.jpg").path, empty = folder.appendingPathComponent("empty.jpg").path
        try "not an image, just some words\n".write(toFile: text, atomically: true, encoding: .utf8)
        try Data().write(to: URL(fileURLWithPath: empty))
        let cases = [
            (folder.appendingPathComponent("missing.jpg").path, "no such file"),
            (empty, "empty file"),
            (text, "cannot decode"),
            (Self.fixture("tone.m4a"), "not a still image"),
        ]
        for (path, problem) in cases {
            let error = try #require(throws: CodecError.self) { try decodeStillImage(path: path, maxPixels: 1 << 20) }
            #expect(error.file == path)
            #expect(error.problem.hasPrefix(problem), "\(error)")
        }
    }
}
