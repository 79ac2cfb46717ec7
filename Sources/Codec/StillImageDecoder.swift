import CCodecs
import Imaging

/// Decodes the first frame of a still image FFmpeg reads (JPEG, TIFF, BMP, ...), keeping its layout:
/// gray or RGB, with or without alpha, 8 or 16 bits. Refuses images over `maxPixels` before
/// allocating their pixels.
public func decodeStillImage(path: String, maxPixels: Int) throws -> StoredImage {
    var handle: OpaquePointer?
    var info = ccodecs_still_info()
    try ffmpegCall({ _ in path }) { ccodecs_still_open(path, Int64(maxPixels), &handle, &info, $0, $1) }
    defer { ccodecs_still_close(handle) }
    guard let channels = PixelLayout.Channels(rawValue: Int(info.channels)) else {
        throw CodecError(file: path, problem: "unexpected channel count \(info.channels)")
    }
    let layout = PixelLayout(channels: channels, bitDepth: Int(info.bit_depth))
    let count = Int(info.width) * Int(info.height) * channels.rawValue
    let samples = try [UInt16](unsafeUninitializedCapacity: count) { buffer, initialized in
        try ffmpegCall({ _ in path }) { ccodecs_still_read(handle, buffer.baseAddress, $0, $1) }
        initialized = count
    }
    return StoredImage(width: Int(info.width), height: Int(info.height), layout: layout, samples: samples)
}
