import Codec
import Foundation
import Imaging
import Testing

/// JPEG and TIFF output: written by libjpeg-turbo and libtiff, read back through the decoders.
@Suite struct WriteFormatTests {
    /// A smooth test picture with every sample distinct enough to catch a swapped channel or row.
    static func picture(_ channels: PixelLayout.Channels, bitDepth: Int, width: Int = 40, height: Int = 24) -> StoredImage {
        let maxValue = (1 << bitDepth) - 1, count = channels.rawValue
        var samples = [UInt16](repeating: 0, count: width * height * count)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<count {
                    let v = Double(x * (c + 1) + 3 * y) / Double(width * 4 + 3 * height)
                    samples[(y * width + x) * count + c] = UInt16(Double(maxValue) * v)
                }
            }
        }
        return StoredImage(width: width, height: height, layout: PixelLayout(channels: channels, bitDepth: bitDepth), samples: samples)
    }

    func roundTrip(_ image: StoredImage, as name: String, format: OutputFormat, quality: Int = 95) throws -> StoredImage {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(name).path
        try ImageFile.write(image, to: path, format: format, jpegQuality: quality)
        return try ImageFile.read(path: path, maxPixels: 1 << 20)
    }

    /// TIFF keeps every layout bit-exact, 16-bit included.
    @Test(arguments: [(PixelLayout.Channels.gray, 8), (.grayAlpha, 8), (.rgb, 8), (.rgba, 8), (.gray, 16), (.rgb, 16), (.rgba, 16)])
    func tiffIsBitExact(channels: PixelLayout.Channels, bitDepth: Int) throws {
        let image = Self.picture(channels, bitDepth: bitDepth)
        let back = try roundTrip(image, as: "x.tif", format: .tiff)
        #expect(back.layout == image.layout && back.samples == image.samples)
    }

    /// JPEG at quality 95: close to the input (PSNR above 40 dB on this smooth picture), 8-bit, 4:4:4
    /// (every component's sampling factors 1x1 in the frame header); 16-bit input is rounded to 8 bits.
    @Test(arguments: [(PixelLayout.Channels.rgb, 8), (.gray, 8), (.rgb, 16)])
    func jpegIsCloseAnd444(channels: PixelLayout.Channels, bitDepth: Int) throws {
        let image = Self.picture(channels, bitDepth: bitDepth)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.jpg").path
        try ImageFile.write(image, to: path, format: .jpeg, jpegQuality: 95)
        let back = try ImageFile.read(path: path, maxPixels: 1 << 20)
        #expect(back.layout == PixelLayout(channels: channels, bitDepth: 8))
        let scale = bitDepth == 16 ? 257.0 : 1.0
        let mse = zip(back.samples, image.samples).map { pow(Double($0) - Double($1) / scale, 2) }.reduce(0, +) / Double(image.samples.count)
        #expect(10 * log10(255 * 255 / mse) > 40, "PSNR \(10 * log10(255 * 255 / mse))")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let sof = try #require((0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        let components = Int(bytes[sof + 9])
        #expect(components == channels.rawValue)
        for c in 0..<components { #expect(bytes[sof + 11 + 3 * c] == 0x11, "component \(c) sampling") }
    }

    @Test func jpegRefusesAlphaAndBadQuality() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.jpg").path
        #expect(throws: CodecError.self) { try ImageFile.write(Self.picture(.rgba, bitDepth: 8), to: path, format: .jpeg) }
        #expect(throws: CodecError.self) { try ImageFile.write(Self.picture(.rgb, bitDepth: 8), to: path, format: .jpeg, jpegQuality: 0) }
    }

    @Test func formatsByExtension() {
        #expect(OutputFormat(fileExtension: "JPG") == .jpeg && OutputFormat(fileExtension: "tiff") == .tiff)
        #expect(OutputFormat(fileExtension: "png") == .png && OutputFormat(fileExtension: "webp") == nil)
    }
}
