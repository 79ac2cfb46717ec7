import Foundation
import Imaging

/// A photograph as the tools read and write it: pixels upright (the EXIF orientation applied) with
/// the metadata to carry to the output (EXIF with its orientation reset to 1, the ICC profile, PNG
/// text). What `denoise` does around the model, for apps that embed the library:
///
///     let photo = try Photo.read(path: "in.jpg")
///     let clean = try denoiser.denoiseBlind(photo.image.colorPlanes()).image
///     try photo.replacingColor(with: clean).write(to: "out.jpg")
public struct Photo: Sendable, Equatable {
    public var image: StoredImage
    public var metadata: ImageMetadata

    /// The pixel limit `read` applies unless told otherwise (250 MP, about 6 GB of float planes).
    public static let defaultMaxPixels = 250_000_000

    public init(image: StoredImage, metadata: ImageMetadata = .none) { (self.image, self.metadata) = (image, metadata) }

    /// Decodes `path` (PNG, JPEG, TIFF, BMP, ...) upright, with its metadata; refuses images over
    /// `maxPixels` before allocating them.
    public static func read(path: String, maxPixels: Int = defaultMaxPixels) throws -> Photo {
        Photo(image: try ImageFile.read(path: path, maxPixels: maxPixels), metadata: ImageMetadata.read(path: path))
    }

    /// The same photograph with its colour planes replaced (alpha, layout and metadata kept).
    public func replacingColor(with planes: PlanarImage) -> Photo {
        Photo(image: image.replacingColor(with: planes), metadata: metadata)
    }

    /// Encodes the photograph at `path` in `format` (nil: by the file's extension, PNG when unknown),
    /// with the metadata the format can hold. The file is written in place: write to a temporary name
    /// and rename it to keep readers from seeing a partial file.
    public func write(to path: String, format: OutputFormat? = nil,
                      jpegQuality: Int = OutputFormat.defaultJPEGQuality) throws {
        let chosen = format ?? OutputFormat(fileExtension: URL(fileURLWithPath: path).pathExtension) ?? .png
        try ImageFile.write(image, to: path, format: chosen, jpegQuality: jpegQuality, metadata: metadata)
    }
}
