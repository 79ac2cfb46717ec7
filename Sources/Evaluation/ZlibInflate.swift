import CZlib

/// Inflates one zlib stream (the payload of a MAT-file miCOMPRESSED element). The decompressed size
/// is not stored in the file, so the output grows as needed; `limit` caps it against corrupt input.
func zlibInflate(_ input: UnsafeRawBufferPointer, limit: Int, file: String) throws -> [UInt8] {
    var stream = z_stream()
    guard czlib_inflate_init(&stream) == Z_OK else { throw EvaluationError(file, "zlib failed to initialise") }
    defer { inflateEnd(&stream) }
    // Start at 4x the compressed size (uint8 images compress about 1.2-3x), grow by doubling.
    var output = [UInt8](repeating: 0, count: max(1024, min(limit, input.count * 4)))
    var produced = 0
    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
    stream.avail_in = uInt(input.count)
    while true {
        if produced == output.count {
            guard output.count < limit else { throw EvaluationError(file, "compressed element inflates past \(limit) bytes") }
            output.append(contentsOf: [UInt8](repeating: 0, count: min(output.count, limit - output.count)))
        }
        let status: Int32 = output.withUnsafeMutableBufferPointer { buffer in
            stream.next_out = buffer.baseAddress! + produced
            stream.avail_out = uInt(buffer.count - produced)
            let status = inflate(&stream, Z_NO_FLUSH)
            produced = buffer.count - Int(stream.avail_out)
            return status
        }
        switch status {
        case Z_STREAM_END:
            output.removeSubrange(produced...)
            return output
        case Z_OK:
            continue
        case Z_BUF_ERROR where stream.avail_out == 0:
            continue  // needs more room: grow and go on
        case Z_BUF_ERROR:
            throw EvaluationError(file, "compressed element is truncated")
        default:
            throw EvaluationError(file, "compressed element is corrupt (zlib status \(status))")
        }
    }
}
