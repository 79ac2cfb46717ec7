import CCodecs
import Imaging

/// PNG files through libpng: every bit depth and colour type in, the input's own layout out.
public enum PNGCodec {
    /// Decodes `path`. Palette images become RGB (RGBA with transparency), gray below 8 bits becomes
    /// 8-bit. Images over `maxPixels` are refused from the header, before any pixel memory is taken.
    public static func read(path: String, maxPixels: Int) throws -> StoredImage {
        var header = cc_image()
        var reader: OpaquePointer?
        try callCodec(path) { message, length in
            reader = cc_png_open(path, maxPixels, &header, message, length)
            return reader == nil ? 1 : 0
        }
        defer { cc_png_close(reader) }
        let count = Int(header.width) * Int(header.height) * Int(header.channels)
        // Decoded straight into the array's storage: no second copy of a large image. Pages are touched
        // only as rows arrive, so a header that lies about its size costs the rows actually present; on a
        // failure nothing is initialised (UInt16 needs no deinitialisation) and the error goes up.
        let samples = try [UInt16](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            try callCodec(path) { cc_png_read_pixels(reader, buffer.baseAddress, $0, $1) }
            initialized = count
        }
        let layout = PixelLayout(channels: PixelLayout.Channels(rawValue: Int(header.channels))!, bitDepth: Int(header.bit_depth))
        return StoredImage(width: Int(header.width), height: Int(header.height), layout: layout, samples: samples)
    }

    /// Encodes `image` at `path` (callers write to a temporary path and rename it into place).
    public static func write(_ image: StoredImage, to path: String, metadata: ImageMetadata = .none) throws {
        try withRawImage(image) { raw in try metadata.withRaw { meta in try callCodec(path) { cc_png_write(path, &raw, meta, $0, $1) } } }
    }

    /// Whether the first bytes are the PNG signature.
    public static func hasSignature(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }
}

/// Runs a C codec call that reports failure as non-zero plus a message, and throws a `CodecError`.
func callCodec(_ file: String, _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws {
    var message = [CChar](repeating: 0, count: 512)
    let status = message.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
    if status != 0 {
        throw CodecError(file: file, problem: String(cString: message))
    }
}
