import CCodecs
import Foundation

/// What a photograph carries around its pixels and the tools carry to their output: the EXIF block
/// (camera, exposure, date, GPS; its orientation reset to 1, since pixels are written upright), the
/// ICC colour profile and a PNG's text chunks (title, author, XMP). Read by libexif and the format
/// libraries; written where the output format can hold them (PNG: all three; JPEG: EXIF and profile;
/// TIFF: EXIF, as its own directories, and profile).
public struct ImageMetadata: Sendable, Equatable {
    /// One PNG text chunk: a Latin-1 keyword (1-79 bytes) and its text; `isUTF8` for iTXt chunks.
    public struct Text: Sendable, Equatable {
        public var keyword: String
        public var text: String
        public var isUTF8: Bool

        public init(keyword: String, text: String, isUTF8: Bool = false) {
            (self.keyword, self.text, self.isUTF8) = (keyword, text, isUTF8)
        }
    }

    /// EXIF as TIFF structure (no JPEG "Exif\0\0" prefix).
    public var exif: Data?
    public var iccProfile: Data?
    /// PNG text chunks, in file order (those before the image data).
    public var texts: [Text]

    public init(exif: Data? = nil, iccProfile: Data? = nil, texts: [Text] = []) {
        (self.exif, self.iccProfile, self.texts) = (exif, iccProfile, texts)
    }

    public static let none = ImageMetadata()

    /// The metadata of the file at `path`; absent parts are nil (never an error).
    public static func read(path: String) -> ImageMetadata {
        var raw = cc_metadata()
        cc_metadata_read(path, &raw)
        defer { cc_metadata_free(&raw) }
        let texts = (0..<Int(raw.text_count)).compactMap { index -> Text? in
            let chunk = raw.texts[index]
            guard let text = chunk.text else { return nil }
            // Latin-1 chunks are decoded as Latin-1 (every byte is a character), iTXt as UTF-8.
            let value = chunk.utf8 != 0 ? String(cString: text) : String(cString: text, encoding: .isoLatin1) ?? ""
            let keyword = cString(chunk.keyword)
            return Text(keyword: keyword, text: value, isUTF8: chunk.utf8 != 0)
        }
        return ImageMetadata(exif: raw.exif.map { Data(bytes: $0, count: raw.exif_size) },
                             iccProfile: raw.icc.map { Data(bytes: $0, count: raw.icc_size) }, texts: texts)
    }

    /// Runs `body` with a C view of this metadata (EXIF and profile not copied; text converted).
    func withRaw<T>(_ body: (UnsafePointer<cc_metadata>) throws -> T) rethrows -> T {
        var exif = exif ?? Data(), icc = iccProfile ?? Data()
        // Text goes out as it came: Latin-1 chunks re-encoded as Latin-1 (text that no longer fits goes
        // out as iTXt, UTF-8); keywords that are not 1-79 Latin-1 bytes are left out.
        var chunks: [cc_text] = []
        defer { chunks.forEach { free($0.text) } }
        for entry in texts {
            guard let keyword = entry.keyword.data(using: .isoLatin1), (1...79).contains(keyword.count) else { continue }
            let latin1 = entry.isUTF8 ? nil : entry.text.data(using: .isoLatin1)
            let bytes = latin1 ?? Data(entry.text.utf8)
            var chunk = cc_text()
            withUnsafeMutableBytes(of: &chunk.keyword) { slot in slot.copyBytes(from: keyword) }  // zero-filled: NUL-terminated
            let text = malloc(bytes.count + 1)!.assumingMemoryBound(to: CChar.self)
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { UnsafeMutableRawPointer(text).copyMemory(from: base, byteCount: bytes.count) }
            }
            text[bytes.count] = 0
            chunk.text = text
            chunk.utf8 = latin1 == nil ? 1 : 0
            chunks.append(chunk)
        }
        return try exif.withUnsafeMutableBytes { exifBytes in
            try icc.withUnsafeMutableBytes { iccBytes in
                try chunks.withUnsafeMutableBufferPointer { textBuffer in
                    var raw = cc_metadata(exif: self.exif == nil ? nil : exifBytes.bindMemory(to: UInt8.self).baseAddress,
                                          exif_size: exifBytes.count,
                                          icc: iccProfile == nil ? nil : iccBytes.bindMemory(to: UInt8.self).baseAddress,
                                          icc_size: iccBytes.count,
                                          texts: textBuffer.baseAddress, text_count: Int32(textBuffer.count))
                    return try body(&raw)
                }
            }
        }
    }
}
