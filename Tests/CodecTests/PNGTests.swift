import Foundation
import Imaging
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Codec

/// Repository paths, found from this file so tests never depend on the working directory.
enum Repo {
    static let root = Repository.root
    static func sample(_ name: String) -> String { root.appendingPathComponent("Samples/\(name)").path }
    static func fixture(_ name: String) -> String { root.appendingPathComponent("Tests/CodecTests/Fixtures/\(name)").path }
}

/// A fresh folder under the system temporary directory, removed by the caller.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("codec-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct PNGRoundTripTests {
    /// Every layout and depth survives write + read bit for bit, with all sample values present.
    @Test(arguments: [PixelLayout.Channels.gray, .grayAlpha, .rgb, .rgba], [8, 16])
    func roundTripIsBitExact(channels: PixelLayout.Channels, bitDepth: Int) throws {
        let layout = PixelLayout(channels: channels, bitDepth: bitDepth)
        let (w, h) = (67, 31)
        let maxValue = (1 << bitDepth) - 1
        let samples = (0..<(w * h * channels.rawValue)).map { UInt16(($0 * 40_503 + 17) % (maxValue + 1)) }
        let image = StoredImage(width: w, height: h, layout: layout, samples: samples)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.png").path
        try PNGCodec.write(image, to: path)
        #expect(try PNGCodec.read(path: path, maxPixels: 1 << 30) == image)
    }

    @Test func samplesDecode() throws {
        let rgb = try ImageFile.read(path: Repo.sample("astronaut-noisy-s25.png"), maxPixels: 1 << 30)
        #expect(rgb.width == 256 && rgb.height == 256 && rgb.layout == PixelLayout(channels: .rgb, bitDepth: 8))
        let gray = try ImageFile.read(path: Repo.sample("camera-clean.png"), maxPixels: 1 << 30)
        #expect(gray.layout == PixelLayout(channels: .gray, bitDepth: 8))
        let deep = try ImageFile.read(path: Repo.sample("chelsea-clean.png"), maxPixels: 1 << 30)
        #expect(deep.layout == PixelLayout(channels: .rgb, bitDepth: 16) && deep.samples.contains { $0 > 255 })
    }

    @Test func paletteAndLowBitDepthsExpand() throws {
        let palette = try PNGCodec.read(path: Repo.fixture("palette.png"), maxPixels: 1 << 20)
        #expect(palette.layout == PixelLayout(channels: .rgb, bitDepth: 8))
        #expect(Array(palette.samples.prefix(6)) == [255, 0, 0, 0, 255, 0])  // indices 0, 1 of the palette
        let transparent = try PNGCodec.read(path: Repo.fixture("palette-trns.png"), maxPixels: 1 << 20)
        #expect(transparent.layout == PixelLayout(channels: .rgba, bitDepth: 8))
        #expect(Array(transparent.samples.prefix(8)) == [255, 0, 0, 255, 0, 255, 0, 128])
        let bits = try PNGCodec.read(path: Repo.fixture("gray-1bit.png"), maxPixels: 1 << 20)
        #expect(bits.layout == PixelLayout(channels: .gray, bitDepth: 8) && Set(bits.samples) == [0, 255])
        let interlaced = try PNGCodec.read(path: Repo.fixture("interlaced.png"), maxPixels: 1 << 20)
        #expect(interlaced == (try PNGCodec.read(path: Repo.fixture("interlaced-expected.png"), maxPixels: 1 << 20)))
    }

    @Test func floatConversionKeepsAlphaUntouched() throws {
        let layout = PixelLayout(channels: .rgba, bitDepth: 16)
        let image = StoredImage(width: 2, height: 1, layout: layout, samples: [0, 65535, 1234, 7, 40000, 1, 2, 65535])
        let planes = image.colorPlanes()
        #expect(planes.channels == 3)
        let back = image.replacingColor(with: planes)
        #expect(back == image)
        var brighter = planes
        brighter.pixels = brighter.pixels.map { $0 + 0.5 }
        let changed = image.replacingColor(with: brighter)
        #expect(changed.samples[3] == 7 && changed.samples[7] == 65535)  // alpha kept
        #expect(changed.samples[0] == 32768 && changed.samples[1] == 65535)  // rounded, clamped
    }
}

@Suite struct PNGErrorTests {
    func readError(_ bytes: Data, name: String = "bad.png") throws -> String {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(name).path
        try bytes.write(to: URL(fileURLWithPath: path))
        do {
            _ = try ImageFile.read(path: path, maxPixels: 250_000_000)
            return "no error"
        } catch let error as CodecError {
            #expect(error.file == path)
            return error.problem
        }
    }

    var samplePNG: Data { try! Data(contentsOf: URL(fileURLWithPath: Repo.sample("astronaut-clean.png"))) }

    @Test func truncated() throws {
        let problem = try readError(samplePNG.prefix(samplePNG.count / 2))
        #expect(problem.contains("corrupt PNG"), "\(problem)")
    }

    @Test func badCRC() throws {
        var bytes = samplePNG
        bytes[bytes.count / 2] ^= 0xFF  // inside IDAT
        let problem = try readError(bytes)
        #expect(problem.contains("corrupt PNG"), "\(problem)")
    }

    @Test func hugeDimensionsRefusedBeforeAllocating() throws {
        let problem = try readError(pngHeaderOnly(width: 100_000, height: 100_000, bitDepth: 8, colorType: 2))
        #expect(problem.contains("100000x100000") && problem.contains("limit"), "\(problem)")
    }

    @Test func invalidBitDepth() throws {
        let problem = try readError(pngHeaderOnly(width: 4, height: 4, bitDepth: 3, colorType: 2))
        #expect(problem == "unsupported bit depth 3 for PNG color type 2", "\(problem)")
    }

    @Test func emptyAndNotAnImage() throws {
        #expect(try readError(Data()) == "file is empty")
        let problem = try readError(Data("hello, this is text and not a picture at all\n".utf8), name: "notes.png")
        #expect(problem.contains("not") , "\(problem)")
    }

    /// Peak resident memory of this process so far, in MB.
    func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// A header that claims 15000x15000 pixels and has none: fails at the missing data, and the pixel
    /// buffer it reserved is never touched (peak memory grows by under 100 MB; it took 1.37 GB).
    @Test func lyingHeaderCostsLittleMemory() throws {
        let before = peakRSSMegabytes()
        let problem = try readError(pngHeaderOnly(width: 15_000, height: 15_000, bitDepth: 8, colorType: 2))
        #expect(problem.contains("corrupt PNG"), "\(problem)")
        #expect(peakRSSMegabytes() - before < 100, "peak RSS grew \(peakRSSMegabytes() - before) MB")
    }

    /// A text chunk that claims 2 GB is refused by libpng's chunk limit instead of being read into memory.
    @Test func hugeTextChunkIsRefused() throws {
        var png = samplePNG
        let iend = png.count - 12  // the IEND chunk: length, type, CRC
        var chunk = withUnsafeBytes(of: UInt32(0x7FFF_0000).bigEndian) { Data($0) } + Data("tEXt".utf8)
        chunk += Data("Comment\u{0}".utf8) + Data(repeating: 0x41, count: 64)
        png.replaceSubrange(iend..<iend, with: chunk)
        let before = peakRSSMegabytes()
        let problem = try readError(png)
        #expect(problem.contains("corrupt PNG") || problem.contains("too large"), "\(problem)")
        #expect(peakRSSMegabytes() - before < 100, "peak RSS grew \(peakRSSMegabytes() - before) MB")
    }

    /// Signature + IHDR (with a correct CRC) + nothing else.
    func pngHeaderOnly(width: UInt32, height: UInt32, bitDepth: UInt8, colorType: UInt8) -> Data {
        var ihdr = Data("IHDR".utf8)
        for v in [width, height] { ihdr += withUnsafeBytes(of: v.bigEndian) { Data($0) } }
        ihdr += Data([bitDepth, colorType, 0, 0, 0])
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png += withUnsafeBytes(of: UInt32(13).bigEndian) { Data($0) } + ihdr
        png += withUnsafeBytes(of: crc32(ihdr).bigEndian) { Data($0) }
        return png
    }

    func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// Row-by-row PNG reading and writing (the streamed `denoise`) against the whole-image codec.
@Suite struct PNGRowTests {
    @Test(arguments: ["astronaut-noisy-s25.png", "camera-noisy-s25.png", "chelsea-noisy-s50.png"])
    func rowsInChunksEqualTheWholeImageAndWriteTheSameFile(name: String) throws {
        let path = Repo.sample(name)
        let whole = try PNGCodec.read(path: path, maxPixels: 1 << 24)
        let reader = try #require(try PNGRowReader(path: path, maxPixels: 1 << 24))
        #expect(reader.width == whole.width && reader.height == whole.height && reader.layout == whole.layout)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let streamed = folder.appendingPathComponent("rows.png").path, plain = folder.appendingPathComponent("whole.png").path
        let writer = try PNGRowWriter(path: streamed, width: reader.width, height: reader.height, layout: reader.layout)
        var samples: [UInt16] = []
        for count in [1, 37, 100, 0, reader.height - 138] {  // uneven chunks, an empty one
            let rows = try reader.read(rows: count)
            samples += rows
            try writer.write(rows, rows: count)
        }
        try writer.finish()
        #expect(samples == whole.samples)
        try PNGCodec.write(whole, to: plain)
        #expect(FileManager.default.contentsEqual(atPath: streamed, andPath: plain))
        #expect(throws: CodecError.self) { try reader.read(rows: 1) }  // past the last row
    }

    @Test func interlacedPNGIsNotStreamed() throws {
        #expect(try PNGRowReader(path: Repo.fixture("interlaced.png"), maxPixels: 1 << 24) == nil)
    }

    @Test func truncatedRowsAndUnfinishedFilesAreErrors() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try Data(contentsOf: URL(fileURLWithPath: Repo.sample("astronaut-noisy-s25.png")))
        let cut = folder.appendingPathComponent("cut.png").path
        try original.prefix(original.count / 3).write(to: URL(fileURLWithPath: cut))
        let reader = try #require(try PNGRowReader(path: cut, maxPixels: 1 << 24))
        let error = try #require(throws: CodecError.self) { _ = try reader.read(rows: reader.height) }
        #expect(error.file == cut && error.problem.hasPrefix("corrupt PNG"), "\(error.problem)")
        let writer = try PNGRowWriter(path: folder.appendingPathComponent("short.png").path, width: 4, height: 3,
                                      layout: PixelLayout(channels: .gray, bitDepth: 8))
        try writer.write([UInt16](repeating: 9, count: 4), rows: 1)
        let unfinished = try #require(throws: CodecError.self) { try writer.finish() }
        #expect(unfinished.problem == "PNG has 1 of its 3 rows")
    }
}
