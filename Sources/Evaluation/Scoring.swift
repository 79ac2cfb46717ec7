import Imaging
import Metrics

/// PSNR and SSIM of one output against its clean reference.
public struct Score: Sendable, Equatable {
    public var psnr: Double
    public var ssim: Double?
}

/// Scores `output` as a saved file would be scored (docs/design.md, section 6): rounded to the reference's
/// bit depth (`maxValue` 255 for 8-bit files) and back to [0, 1], then PSNR / SSIM with data range 1.
public func score(output: PlanarImage, clean: PlanarImage, maxValue: Float) -> Score {
    let rounded = quantized(output, maxValue: maxValue)
    return Score(psnr: psnr(rounded, clean), ssim: ssim(rounded, clean))
}

/// `image` rounded to integers 0...maxValue (clamped), as values in [0, 1].
public func quantized(_ image: PlanarImage, maxValue: Float) -> PlanarImage {
    var out = image
    for i in out.pixels.indices { out.pixels[i] = quantize(out.pixels[i], maxValue: maxValue) / maxValue }
    return out
}
