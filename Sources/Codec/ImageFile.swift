import CCodecs
import Foundation
import Imaging

/// Still-image files: PNG through libpng (read and write), other formats (JPEG, TIFF, BMP, ...)
/// read through FFmpeg. The reader is chosen by the file's signature, not its name.
public enum ImageFile {
    /// Decodes `path`, refusing images over `maxPixels` before allocating them.
    public static func read(path: String, maxPixels: Int) throws -> StoredImage {
        let head: [UInt8]
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            head = [UInt8](try handle.read(upToCount: 8) ?? Data())
        } catch {
            throw CodecError(file: path, problem: "cannot open for reading")
        }
        if head.isEmpty { throw CodecError(file: path, problem: "file is empty") }
        if PNGCodec.hasSignature(head) || head.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return try PNGCodec.read(path: path, maxPixels: maxPixels)
        }
        // Cameras and phones store a turned picture with an EXIF orientation tag: return it upright, so
        // the output (which carries no orientation tag) shows as the camera meant it.
        return try decodeStillImage(path: path, maxPixels: maxPixels).applyingOrientation(Int(exifOrientation(path: path)))
    }

    /// The EXIF orientation tag of the file at `path` (1-8), or 0 when it has none. libexif reads it.
    public static func exifOrientation(path: String) -> Int32 { cc_exif_orientation(path) }

    /// Output formats this tool writes, by lower-case file extension.
    public static let writableExtensions = ["png"]

    /// Encodes `image` at `path` in the format its extension names (PNG).
    public static func write(_ image: StoredImage, to path: String, format: String = "png") throws {
        guard format == "png" else { throw CodecError(file: path, problem: "can only write PNG images") }
        try PNGCodec.write(image, to: path)
    }
}
