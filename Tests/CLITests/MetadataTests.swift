import Codec
import Foundation
import TestSupport
import Testing

/// EXIF and the ICC profile go from the input to the output where the output format holds them; the
/// EXIF orientation is reset to 1 because the pixels are written upright.
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
        let tiff = folder.appendingPathComponent("out.tif").path
        let result = try ToolRunner.run("denoise", [folder.appendingPathComponent("out.png").path, tiff] + model)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(ImageMetadata.read(path: tiff).iccProfile == profile)
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
