import Imaging
import Tiling

/// A decoded file's samples as the source and the sink of a banded run: colour rows out as float planes
/// in [0, 1] (gray repeated to the model's three channels), results back into the same samples (the
/// three channels averaged for gray, the clipped-noise correction, rounding to the bit depth). Rows are
/// written only after they were read, so one array serves both.
final class StoredImageBands: BandSource, BandSink {
    var image: StoredImage
    let correction: ClippedNoiseCorrection?

    init(image: StoredImage, correction: ClippedNoiseCorrection?) { (self.image, self.correction) = (image, correction) }

    var width: Int { image.width }
    var height: Int { image.height }
    var channels: Int { 3 }

    func read(rows: Range<Int>, into band: UnsafeMutablePointer<Float>) throws {
        let (w, stride) = (image.width, image.layout.channels.rawValue)
        let colours = image.layout.channels.colorChannels, scale = 1 / image.layout.maxValue, plane = rows.count * w
        image.samples.withUnsafeBufferPointer { samples in
            for (r, y) in rows.enumerated() {
                for x in 0..<w {
                    let p = y * w + x, q = r * w + x
                    for c in 0..<3 { band[c * plane + q] = Float(samples[p * stride + min(c, colours - 1)]) * scale }
                }
            }
        }
    }

    func write(rows: Range<Int>, from band: UnsafePointer<Float>) throws {
        let (w, stride) = (image.width, image.layout.channels.rawValue)
        let colours = image.layout.channels.colorChannels, maxValue = image.layout.maxValue, plane = rows.count * w
        image.samples.withUnsafeMutableBufferPointer { samples in
            for (r, y) in rows.enumerated() {
                for x in 0..<w {
                    let p = y * w + x, q = r * w + x
                    for c in 0..<colours {
                        // Gray: the mean of the three outputs, summed as `denoise` does.
                        var value = colours == 1 ? (band[q] + band[plane + q] + band[2 * plane + q]) / 3 : band[c * plane + q]
                        if let correction { value = correction.corrected(value) }
                        samples[p * stride + c] = UInt16(quantize(value, maxValue: maxValue))
                    }
                }
            }
        }
    }
}
