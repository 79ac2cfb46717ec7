import Codec
import Imaging
import TestSupport
import Testing

/// EXIF orientation: the geometry of each of the 8 tags, and phone-style JPEGs coming out upright.
@Suite struct OrientationTests {
    /// A 3x2 gray image with distinct samples 1...6 (row-major).
    let stored = StoredImage(width: 3, height: 2, layout: PixelLayout(channels: .gray, bitDepth: 8), samples: [1, 2, 3, 4, 5, 6])

    /// Each tag against the upright picture written out by hand (stored: 1 2 3 / 4 5 6).
    @Test(arguments: [
        (1, 3, [1, 2, 3, 4, 5, 6]), (2, 3, [3, 2, 1, 6, 5, 4]), (3, 3, [6, 5, 4, 3, 2, 1]), (4, 3, [4, 5, 6, 1, 2, 3]),
        (5, 2, [1, 4, 2, 5, 3, 6]), (6, 2, [4, 1, 5, 2, 6, 3]), (7, 2, [6, 3, 5, 2, 4, 1]), (8, 2, [3, 6, 2, 5, 1, 4]),
    ])
    func geometry(tag: Int, width: Int, expected: [UInt16]) {
        let upright = stored.applyingOrientation(tag)
        #expect(upright.width == width && upright.samples == expected, "tag \(tag): \(upright.samples)")
    }

    /// JPEGs stored turned with tags 3, 6 and 8 read upright: red, green / blue, white quadrants of a 32x16
    /// picture (Scripts/make_orientation_fixtures.py), colours within 40 levels (JPEG, q95).
    @Test(arguments: [3, 6, 8])
    func jpegComesOutUpright(tag: Int32) throws {
        let path = Repository.path("Tests/CodecTests/Fixtures/orientation-\(tag).jpg")
        #expect(ImageFile.exifOrientation(path: path) == tag)
        let image = try ImageFile.read(path: path, maxPixels: 1 << 20)
        #expect(image.width == 32 && image.height == 16)
        let quadrants: [(x: Int, y: Int, rgb: [Int])] = [(4, 4, [255, 0, 0]), (27, 4, [0, 255, 0]), (4, 11, [0, 0, 255]), (27, 11, [255, 255, 255])]
        for q in quadrants {
            let base = (q.y * image.width + q.x) * 3
            let rgb = (0..<3).map { Int(image.samples[base + $0]) }
            #expect(zip(rgb, q.rgb).allSatisfy { abs($0 - $1) <= 40 }, "tag \(tag) at (\(q.x), \(q.y)): \(rgb), expected \(q.rgb)")
        }
    }

    @Test func filesWithoutTheTagReadAsStored() {
        #expect(ImageFile.exifOrientation(path: Repository.path("Samples/astronaut-clean.png")) == 0)
    }
}
