import Codec
import Foundation
import TestSupport
import Testing

/// EXIF, the ICC profile and PNG text go from the input to the output where the output format holds
/// them; the EXIF orientation is reset to 1 because the pixels are written upright.
@Suite(.serialized) struct MetadataTests {
    let model = ["--model", ToolRunner.fixtureModel, "--sigma", "5"]
    /// 32x16 picture stored turned (orientation 6) with Make "TestCam", DateTimeOriginal and an sRGB
    /// profile (Scripts/make_orientation_fixtures.py).
    let photo = Repository.path("Tests/CodecTests/Fixtures/photo-exif-icc.jpg")

    func contains(_ data: Data?, _ text: String) -> Bool {
        guard let data else { return false }
        return data.range(of: Data(text.utf8)) != nil
    }

    @Test func exifAndProfileSurviveJPEGToJPEGAndPNGAndPNGToTIFF() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = ImageMetadata.read(path: photo)
        let profile = try #require(original.iccProfile)
        #expect(contains(original.exif, "TestCam"))
        for name in ["out.jpg", "out.png"] {
            let output = folder.appendingPathComponent(name).path
            let result = try ToolRunner.run("denoise", [photo, output] + model)
            #expect(result.status == 0, "\(result.stderr)")
            let metadata = ImageMetadata.read(path: output)
            #expect(contains(metadata.exif, "TestCam") && contains(metadata.exif, "2026:12:07 10:00:00"), "\(name)")
            #expect(metadata.iccProfile == profile, "\(name)")
            #expect(ImageFile.exifOrientation(path: output) == 1, "\(name): written upright, tag reset")
            let image = try ImageFile.read(path: output, maxPixels: 1 << 20)
            #expect(image.width == 32 && image.height == 16, "\(name) is upright")
        }
        // TIFF keeps EXIF as directories of its own (libtiff), and gives it back as a block (TIFF -> JPEG).
        let tiff = folder.appendingPathComponent("out.tif").path
        let result = try ToolRunner.run("denoise", [folder.appendingPathComponent("out.png").path, tiff] + model)
        #expect(result.status == 0, "\(result.stderr)")
        let fromTIFF = ImageMetadata.read(path: tiff)
        #expect(fromTIFF.iccProfile == profile)
        #expect(contains(fromTIFF.exif, "TestCam") && contains(fromTIFF.exif, "Fixture 1"))
        #expect(contains(fromTIFF.exif, "2026:12:07 10:00:00"))
        let jpeg = folder.appendingPathComponent("again.jpg").path
        let again = try ToolRunner.run("denoise", [tiff, jpeg] + model)
        #expect(again.status == 0, "\(again.stderr)")
        let fromJPEG = ImageMetadata.read(path: jpeg)
        #expect(contains(fromJPEG.exif, "TestCam") && contains(fromJPEG.exif, "2026:12:07 10:00:00"))
        #expect(fromJPEG.iccProfile == profile)
    }

    @Test func pngTextChunksSurvivePNGToPNG() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = Repository.path("Tests/CodecTests/Fixtures/text-chunks.png")
        let expected: [ImageMetadata.Text] = [
            .init(keyword: "Title", text: "Nuit \u{e0} Paris"),
            .init(keyword: "Author", text: "A. Photographer"),
            .init(keyword: "Description", text: "\u{591c}\u{306e}\u{5199}\u{771f}, night", isUTF8: true),
            .init(keyword: "Comment", text: String(repeating: "grain ", count: 500)),
        ]
        #expect(ImageMetadata.read(path: input).texts == expected)
        let output = folder.appendingPathComponent("out.png").path
        let result = try ToolRunner.run("denoise", [input, output] + model)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(ImageMetadata.read(path: output).texts == expected)
        let stripped = folder.appendingPathComponent("stripped.png").path
        let bare = try ToolRunner.run("denoise", [input, stripped, "--strip-metadata"] + model)
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(ImageMetadata.read(path: stripped).texts.isEmpty)
    }

    @Test func stripMetadataWritesNone() throws {
        let folder = try ToolRunner.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out.jpg").path
        let result = try ToolRunner.run("denoise", [photo, output, "--strip-metadata"] + model)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(ImageMetadata.read(path: output) == .none)
    }
}
