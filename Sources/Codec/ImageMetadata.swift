import CCodecs
import Foundation

/// What a photograph carries around its pixels and the tools carry to their output: the EXIF block
/// (camera, exposure, date, GPS; its orientation reset to 1, since pixels are written upright) and the
/// ICC colour profile. Read by libexif and the format libraries; written where the output format can hold
/// them (PNG: both; JPEG: both; TIFF: the ICC profile).
public struct ImageMetadata: Sendable, Equatable {
    /// EXIF as TIFF structure (no JPEG "Exif\0\0" prefix).
    public var exif: Data?
    public var iccProfile: Data?

    public init(exif: Data? = nil, iccProfile: Data? = nil) { (self.exif, self.iccProfile) = (exif, iccProfile) }

    public static let none = ImageMetadata()

    /// The metadata of the file at `path`; absent parts are nil (never an error).
    public static func read(path: String) -> ImageMetadata {
        var raw = cc_metadata()
        cc_metadata_read(path, &raw)
        defer { cc_metadata_free(&raw) }
        return ImageMetadata(exif: raw.exif.map { Data(bytes: $0, count: raw.exif_size) },
                             iccProfile: raw.icc.map { Data(bytes: $0, count: raw.icc_size) })
    }

    /// Runs `body` with a C view of this metadata (no copy).
    func withRaw<T>(_ body: (UnsafePointer<cc_metadata>) throws -> T) rethrows -> T {
        var exif = exif ?? Data(), icc = iccProfile ?? Data()
        return try exif.withUnsafeMutableBytes { exifBytes in
            try icc.withUnsafeMutableBytes { iccBytes in
                var raw = cc_metadata(exif: self.exif == nil ? nil : exifBytes.bindMemory(to: UInt8.self).baseAddress,
                                      exif_size: exifBytes.count,
                                      icc: iccProfile == nil ? nil : iccBytes.bindMemory(to: UInt8.self).baseAddress,
                                      icc_size: iccBytes.count)
                return try body(&raw)
            }
        }
    }
}
