import CCodecs
import Imaging

/// A non-interlaced PNG read a few rows at a time, for work whose memory must not grow with the
/// image's height (`denoise` on a PNG). Rows come in order, as interleaved samples of `layout`.
public final class PNGRowReader {
    public let path: String
    public let width: Int
    public let height: Int
    public let layout: PixelLayout
    public private(set) var rowsRead = 0
    private let handle: OpaquePointer

    /// Opens `path` and reads its header (refusing images over `maxPixels`); nil for an interlaced PNG,
    /// which only `PNGCodec.read` can decode (its rows arrive in seven passes).
    public init?(path: String, maxPixels: Int) throws {
        var header = cc_image()
        var reader: OpaquePointer?
        try callCodec(path) { message, length in
            reader = cc_png_open(path, maxPixels, &header, message, length)
            return reader == nil ? 1 : 0
        }
        guard let reader, cc_png_is_interlaced(reader) == 0 else {
            cc_png_close(reader)
            return nil
        }
        (self.path, handle) = (path, reader)
        (width, height) = (Int(header.width), Int(header.height))
        layout = PixelLayout(channels: PixelLayout.Channels(rawValue: Int(header.channels))!, bitDepth: Int(header.bit_depth))
    }

    deinit { cc_png_close(handle) }

    /// The next `count` rows: (count, width, channels) samples.
    public func read(rows count: Int) throws -> [UInt16] {
        let total = count * width * layout.channels.rawValue
        let samples = try [UInt16](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = 0
            try callCodec(path) { cc_png_read_rows(handle, buffer.baseAddress, Int32(count), $0, $1) }
            initialized = total
        }
        rowsRead += count
        return samples
    }
}

/// A PNG written a few rows at a time, with its metadata; `finish()` completes it. Without `finish()`
/// the file is partial (write to a temporary name and rename it when finished).
public final class PNGRowWriter {
    public let path: String
    public let width: Int
    public let height: Int
    public let layout: PixelLayout
    private var handle: OpaquePointer?

    public init(path: String, width: Int, height: Int, layout: PixelLayout, metadata: ImageMetadata = .none) throws {
        (self.path, self.width, self.height, self.layout) = (path, width, height, layout)
        var writer: OpaquePointer?
        var header = cc_image(width: Int32(width), height: Int32(height), channels: Int32(layout.channels.rawValue),
                              bit_depth: Int32(layout.bitDepth), samples: nil)
        try metadata.withRaw { meta in
            try callCodec(path) { message, length in
                writer = cc_png_writer_open(path, &header, meta, message, length)
                return writer == nil ? 1 : 0
            }
        }
        handle = writer
    }

    deinit { cc_png_writer_abort(handle) }

    /// Appends rows: (rows, width, channels) samples, in order.
    public func write(_ samples: [UInt16], rows count: Int) throws {
        precondition(samples.count == count * width * layout.channels.rawValue, "samples do not fill \(count) rows")
        try samples.withUnsafeBufferPointer { buffer in
            try callCodec(path) { cc_png_writer_rows(handle, buffer.baseAddress, Int32(count), $0, $1) }
        }
    }

    /// Writes the end of the file and closes it (every row must have been written).
    public func finish() throws {
        let writer = handle
        handle = nil
        try callCodec(path) { cc_png_writer_finish(writer, $0, $1) }
    }
}
