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
        let stored = PNGCodec.hasSignature(head) || head.starts(with: [0x89, 0x50, 0x4E, 0x47])
            ? try PNGCodec.read(path: path, maxPixels: maxPixels) : try decodeStillImage(path: path, maxPixels: maxPixels)
        // Cameras and phones store a turned picture with an EXIF orientation tag: return it upright, so
        // the output (whose tag is reset to 1) shows as the camera meant it.
        return stored.applyingOrientation(Int(exifOrientation(path: path)))
    }

    /// The EXIF orientation tag of the file at `path` (1-8), or 0 when it has none. libexif reads it.
    public static func exifOrientation(path: String) -> Int32 { cc_exif_orientation(path) }

    /// Encodes `image` at `path` in `format` (callers write to a temporary path and rename it into place).
    /// `metadata` goes where the format can hold it (ImageMetadata).
    public static func write(_ image: StoredImage, to path: String, format: OutputFormat = .png,
                             jpegQuality: Int = OutputFormat.defaultJPEGQuality, metadata: ImageMetadata = .none) throws {
        switch format {
        case .png: try PNGCodec.write(image, to: path, metadata: metadata)
        case .jpeg:
            try withRawImage(image) { raw in
                try metadata.withRaw { meta in try callCodec(path) { cc_jpeg_write(path, &raw, Int32(jpegQuality), meta, $0, $1) } }
            }
        case .tiff:
            try withRawImage(image) { raw in try metadata.withRaw { meta in try callCodec(path) { cc_tiff_write(path, &raw, meta, $0, $1) } } }
        }
    }
}

/// The formats the tools write, chosen by the output's extension.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// libpng: 8 or 16 bits, gray, gray+alpha, RGB, RGBA.
    case png
    /// libjpeg-turbo: 8 bits, gray or RGB, 4:4:4; 16-bit images are rounded to 8 bits, alpha is refused.
    case jpeg
    /// libtiff: 8 or 16 bits, gray, gray+alpha, RGB, RGBA, deflate-compressed.
    case tiff

    public static let defaultJPEGQuality = 95

    /// The format a file name asks for (png; jpg or jpeg; tif or tiff), or nil.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        case "tif", "tiff": self = .tiff
        default: return nil
        }
    }

    /// The extension written for this format.
    public var fileExtension: String { self == .jpeg ? "jpg" : (self == .tiff ? "tif" : "png") }
}

/// Runs `body` with a C view of `image`'s samples: no copy (a mutable copy of a large image's array
/// would double its memory while it is written). The writers only read the samples.
func withRawImage(_ image: StoredImage, _ body: (inout cc_image) throws -> Void) throws {
    try image.samples.withUnsafeBufferPointer { buffer in
        var raw = cc_image(width: Int32(image.width), height: Int32(image.height),
                           channels: Int32(image.layout.channels.rawValue), bit_depth: Int32(image.layout.bitDepth),
                           samples: buffer.baseAddress.map { UnsafeMutablePointer(mutating: $0) })
        try body(&raw)
    }
}
