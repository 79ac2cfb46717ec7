import Imaging
import Tiling

/// Rows of a file's interleaved samples <-> the float bands of a banded run. One home for the
/// conversions, so the in-place and the streamed paths give the same samples.
enum SampleRows {
    /// `rows` rows of samples (from `first`, interleaved in `layout`) as planar (3, rows, width) floats in
    /// [0, 1]; gray is repeated to the model's three channels.
    static func toPlanes(_ samples: UnsafeBufferPointer<UInt16>, first: Int, rows: Int, width: Int, layout: PixelLayout,
                         into band: UnsafeMutablePointer<Float>) {
        let stride = layout.channels.rawValue, colours = layout.channels.colorChannels
        let scale = 1 / layout.maxValue, plane = rows * width
        for q in 0..<plane {
            let p = first + q * stride
            for c in 0..<3 { band[c * plane + q] = Float(samples[p + min(c, colours - 1)]) * scale }
        }
    }

    /// Replaces the colour samples of `rows` rows (from `first`) with planar (3, rows, width) results:
    /// gray takes the mean of the three, then the clipped-noise correction, then rounding to the bit
    /// depth, as `denoise` and `replacingColor` do. Alpha is left as it is.
    static func replaceColour(_ samples: UnsafeMutableBufferPointer<UInt16>, first: Int, rows: Int, width: Int,
                              layout: PixelLayout, from band: UnsafePointer<Float>, correction: ClippedNoiseCorrection?) {
        let stride = layout.channels.rawValue, colours = layout.channels.colorChannels
        let maxValue = layout.maxValue, plane = rows * width
        for q in 0..<plane {
            let p = first + q * stride
            for c in 0..<colours {
                var value = colours == 1 ? (band[q] + band[plane + q] + band[2 * plane + q]) / 3 : band[c * plane + q]
                if let correction { value = correction.corrected(value) }
                samples[p + c] = UInt16(quantize(value, maxValue: maxValue))
            }
        }
    }
}

/// A decoded file's samples as the source and the sink of a banded run, in place: rows are written
/// only after they were read, so one array serves both.
final class StoredImageBands: BandSource, BandSink {
    var image: StoredImage
    let correction: ClippedNoiseCorrection?

    init(image: StoredImage, correction: ClippedNoiseCorrection?) { (self.image, self.correction) = (image, correction) }

    var width: Int { image.width }
    var height: Int { image.height }
    var channels: Int { 3 }

    func read(rows: Range<Int>, into band: UnsafeMutablePointer<Float>) throws {
        let first = rows.lowerBound * image.width * image.layout.channels.rawValue
        image.samples.withUnsafeBufferPointer {
            SampleRows.toPlanes($0, first: first, rows: rows.count, width: image.width, layout: image.layout, into: band)
        }
    }

    func write(rows: Range<Int>, from band: UnsafePointer<Float>) throws {
        let (first, width, layout) = (rows.lowerBound * image.width * image.layout.channels.rawValue, image.width, image.layout)
        image.samples.withUnsafeMutableBufferPointer {
            SampleRows.replaceColour($0, first: first, rows: rows.count, width: width, layout: layout, from: band,
                                     correction: correction)
        }
    }
}

/// Samples streamed through a banded run: rows come from `readRows` and leave through `writeRows`, the
/// rows read but not yet written kept (alpha and the layout go out with the new colour). Memory: those
/// rows, at most about a tile-height of the width.
final class StreamedSampleBands: BandSource, BandSink {
    let width: Int, height: Int, layout: PixelLayout
    let correction: ClippedNoiseCorrection?
    let readRows: (Int) throws -> [UInt16]
    let writeRows: ([UInt16], Int) throws -> Void
    var waiting: [UInt16] = []  // rows read, not yet written: (rows, width, channels)
    var channels: Int { 3 }

    init(width: Int, height: Int, layout: PixelLayout, correction: ClippedNoiseCorrection?,
         readRows: @escaping (Int) throws -> [UInt16], writeRows: @escaping ([UInt16], Int) throws -> Void) {
        (self.width, self.height, self.layout, self.correction) = (width, height, layout, correction)
        (self.readRows, self.writeRows) = (readRows, writeRows)
    }

    func read(rows: Range<Int>, into band: UnsafeMutablePointer<Float>) throws {
        let samples = try readRows(rows.count)
        samples.withUnsafeBufferPointer {
            SampleRows.toPlanes($0, first: 0, rows: rows.count, width: width, layout: layout, into: band)
        }
        waiting += samples
    }

    func write(rows: Range<Int>, from band: UnsafePointer<Float>) throws {
        let count = rows.count * width * layout.channels.rawValue
        var out = Array(waiting.prefix(count))
        waiting.removeFirst(count)
        out.withUnsafeMutableBufferPointer {
            SampleRows.replaceColour($0, first: 0, rows: rows.count, width: width, layout: layout, from: band, correction: correction)
        }
        try writeRows(out, rows.count)
    }
}
