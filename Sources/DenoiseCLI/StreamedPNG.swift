import Codec
import DenoiseKit
import Foundation
import Imaging

/// PNG in, PNG out, a few rows at a time: libpng decodes rows as the banded run asks for them and
/// encodes them as soon as they are final, so memory does not grow with the image's height (a 100 MP
/// panorama costs what a strip of it does). The blind level takes one more pass over the file.
public enum StreamedPNG {
    /// Rows decoded per call of the level pass.
    static let chunkRows = 64

    /// Whether `input` -> `output` streams: a non-interlaced PNG that needs no turning (no EXIF
    /// orientation other than 1), written as PNG. Anything else goes through `Photo`.
    public static func applies(input: String, output: String, maxPixels: Int) -> Bool {
        guard OutputFormat(fileExtension: URL(fileURLWithPath: output).pathExtension) == .png,
              [0, 1].contains(ImageFile.exifOrientation(path: input)) else { return false }
        guard let head = FileManager.default.contents(atPath: input, maxBytes: 8), PNGCodec.hasSignature([UInt8](head)) else { return false }
        return (try? PNGRowReader(path: input, maxPixels: maxPixels)) != nil  // nil: interlaced
    }

    /// The blind noise level of the PNG at `path`, read once from top to bottom.
    public static func blindLevel(path: String, maxPixels: Int, estimator: NoiseEstimator) throws -> BlindNoiseLevel {
        guard let reader = try PNGRowReader(path: path, maxPixels: maxPixels) else {
            throw CodecError(file: path, problem: "interlaced PNG cannot be read row by row")
        }
        let (w, layout) = (reader.width, reader.layout)
        let stride = layout.channels.rawValue, scale = 1 / layout.maxValue
        var level = BlindLevelReader(estimator: estimator, width: w, height: reader.height,
                                     channels: layout.channels.colorChannels)
        while reader.rowsRead < reader.height {
            let first = reader.rowsRead, count = min(chunkRows, reader.height - first)
            let rows = try reader.read(rows: count)
            for r in 0..<count {
                level.add(row: first + r) { c, x in Float(rows[(r * w + x) * stride + c]) * scale }  // as SampleGrid reads
            }
        }
        return level.level()
    }

    /// Denoises `input` into the PNG `output` (write it to a temporary name: AtomicOutput) with its
    /// metadata. Returns the image's size and layout.
    public static func denoise(input: String, output: String, maxPixels: Int, denoiser: Denoiser, sigma: Float,
                               whiteNoise: Bool, metadata: ImageMetadata,
                               progress: ((Int, Int) -> Void)? = nil) throws -> (width: Int, height: Int, layout: PixelLayout) {
        guard let reader = try PNGRowReader(path: input, maxPixels: maxPixels) else {
            throw CodecError(file: input, problem: "interlaced PNG cannot be read row by row")
        }
        let writer = try PNGRowWriter(path: output, width: reader.width, height: reader.height, layout: reader.layout,
                                      metadata: metadata)
        try denoiser.denoise(width: reader.width, height: reader.height, layout: reader.layout, sigma: sigma,
                             whiteNoise: whiteNoise, readRows: { try reader.read(rows: $0) },
                             writeRows: { try writer.write($0, rows: $1) }, progress: progress)
        try writer.finish()
        return (reader.width, reader.height, reader.layout)
    }
}

extension FileManager {
    /// The first `maxBytes` of a file, nil when it cannot be read.
    func contents(atPath path: String, maxBytes: Int) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return try? handle.read(upToCount: maxBytes)
    }
}
