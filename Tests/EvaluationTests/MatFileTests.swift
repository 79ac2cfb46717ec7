import Foundation
import Imaging
import Testing
@testable import Evaluation

/// The MAT v5 reader on files written by scipy.io.savemat (Scripts/make_eval_fixtures.py).
@Suite struct MatFileTests {
    /// The fixtures' value at block (i, j), pixel (y, x), channel c.
    static func expected(_ i: Int, _ j: Int, _ y: Int, _ x: Int, _ c: Int, offset: Int = 0) -> UInt16 {
        UInt16((97 * i + 41 * j + 13 * y + 7 * x + 3 * c + offset) % 256)
    }

    @Test(arguments: ["blocks-uncompressed.mat", "blocks-compressed.mat"])
    func readsMultiBlockArrays(file: String) throws {
        let arrays = try MatFile.read(path: Fixtures.path(file))
        #expect(arrays.count == 1)
        #expect(arrays[0].name == "ValidationNoisyBlocksSrgb")
        #expect(arrays[0].matlabClass == .uint8 && arrays[0].dimensions == [2, 3, 16, 12, 3])

        let blocks = try MatImageBlocks(path: Fixtures.path(file))
        #expect((blocks.rows, blocks.cols, blocks.height, blocks.width) == (2, 3, 16, 12))
        #expect(blocks.names == ["0000-0000", "0000-0001", "0000-0002", "0001-0000", "0001-0001", "0001-0002"])
        for i in 0..<2 {
            for j in 0..<3 {
                let block = blocks.block(row: i, col: j)
                #expect(block.width == 12 && block.height == 16 && block.layout == PixelLayout(channels: .rgb, bitDepth: 8))
                var mismatches = 0
                for y in 0..<16 {
                    for x in 0..<12 {
                        for c in 0..<3 where block.samples[(y * 12 + x) * 3 + c] != Self.expected(i, j, y, x, c) { mismatches += 1 }
                    }
                }
                #expect(mismatches == 0, "block \(i),\(j)")
            }
        }
        #expect(blocks.block(index: 4) == blocks.block(row: 1, col: 1))
    }

    @Test func readsASingleBlock() throws {
        let blocks = try MatImageBlocks(path: Fixtures.path("single-block.mat"))
        #expect(blocks.count == 1 && blocks.names == ["0000-0000"])
        let block = blocks.block(row: 0, col: 0)
        #expect(block.samples[(5 * 12 + 7) * 3 + 2] == Self.expected(1, 2, 5, 7, 2))
        #expect(block.samples[(15 * 12 + 11) * 3] == Self.expected(1, 2, 15, 11, 0))
    }

    @Test func readsSmallDataElements() throws {
        let arrays = try MatFile.read(path: Fixtures.path("small-elements.mat"))
        #expect(arrays.count == 1)
        #expect(arrays[0].name == "im" && arrays[0].dimensions == [1, 1, 3] && arrays[0].realPart == [10, 20, 30])
    }

    @Test func blockNamesArePaddedLeadingIndices() {
        #expect(MatImageBlocks.name(row: 3, col: 17) == "0003-0017")
        #expect(MatImageBlocks.name(row: 39, col: 31) == "0039-0031")
        #expect(MatImageBlocks.name(row: 0, col: 12345) == "0000-12345")
    }

    @Test func refusesArraysThatAreNotUint8RGBBlocks() {
        let double = evaluationError { _ = try MatImageBlocks(path: Fixtures.path("double.mat")) }
        #expect(double?.description.contains("double [2][2][3]; expected uint8") == true, "\(String(describing: double))")
        let four = evaluationError { _ = try MatImageBlocks(path: Fixtures.path("four-channels.mat")) }
        #expect(four?.description.contains("has shape [4][4][4]") == true, "\(String(describing: four))")
        #expect(four?.subject == Fixtures.path("four-channels.mat"))
    }

    @Test func refusesBrokenFiles() throws {
        let folder = try Fixtures.folder()
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("blocks-compressed.mat")))
        func error(_ bytes: Data) -> String {
            let path = folder + "/x.mat"
            _ = FileManager.default.createFile(atPath: path, contents: bytes)
            return evaluationError { _ = try MatFile.read(path: path) }?.description ?? "no error"
        }
        #expect(error(original.prefix(600)).contains("truncated"))
        var corrupt = original
        corrupt[200] ^= 0xFF
        corrupt[201] ^= 0xFF
        #expect(error(corrupt).contains("corrupt") || error(corrupt).contains("truncated"))
        #expect(error(Data("hello".utf8)).contains("not a MAT-file"))
        var v73 = Data("MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00".utf8)
        v73.append(Data(count: 128 - v73.count))
        #expect(error(v73).contains("v7.3"))
        let uncompressed = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("blocks-uncompressed.mat")))
        #expect(error(uncompressed.prefix(2000)).contains("truncated"))
        #expect(evaluationError { _ = try MatFile.read(path: folder + "/missing.mat") }?.description.contains("no such file") == true)
    }

    /// Found by the libFuzzer harness (Scripts/fuzz.sh mat): dimensions whose element count times the
    /// element size overflows Int trapped; now an error line.
    @Test func dimensionsThatOverflowAreRefused() throws {
        let path = Fixtures.path("fuzz-dimensions-overflow.mat")
        let error = evaluationError { _ = try MatFile.read(path: path) }
        #expect(error?.description.contains("data bytes do not fill") == true, "\(String(describing: error))")
    }

    /// Seeded mutations of a compressed MAT-file: every one parses or fails with an EvaluationError,
    /// never a crash (companion to the codec layer's libFuzzer harnesses).
    @Test func mutatedFilesParseOrFailCleanly() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("blocks-compressed.mat")))
        var rng = SplitMix64(seed: 11)
        var outcomes = 0
        for _ in 0..<1000 {
            var bytes = original
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let at = Int(rng.next() % UInt64(bytes.count))
                if rng.next() % 2 == 0 { bytes[at] ^= UInt8(1 << (rng.next() % 8)) } else { bytes = bytes.prefix(at) }
                if bytes.isEmpty { break }
            }
            do {
                _ = try bytes.withUnsafeBytes { try MatFile.parse($0, file: "mutated.mat", maxBytes: 1 << 26) }
                outcomes += 1
            } catch is EvaluationError {
                outcomes += 1
            }
        }
        #expect(outcomes == 1000)
    }
}
