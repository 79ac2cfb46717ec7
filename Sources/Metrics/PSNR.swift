import Foundation
import Imaging

/// Peak signal-to-noise ratio (docs/design.md, section 6): over all pixels and channels, Float64 sums.
/// Images hold values on a [0, dataRange] scale (dataRange 1 for our [0, 1] planes, whatever the bit
/// depth they were rounded to). `border` pixels are cropped from every side first. Identical images
/// give +infinity.
public func psnr(_ a: PlanarImage, _ b: PlanarImage, dataRange: Double = 1, border: Int = 0) -> Double {
    precondition(a.width == b.width && a.height == b.height && a.channels == b.channels, "image sizes differ")
    var sum = 0.0, count = 0
    for c in 0..<a.channels {
        for y in border..<(a.height - border) {
            for x in border..<(a.width - border) {
                let d = Double(a[c, y, x]) - Double(b[c, y, x])
                sum += d * d
                count += 1
            }
        }
    }
    precondition(count > 0, "border \(border) leaves no pixels")
    return 10 * log10(dataRange * dataRange / (sum / Double(count)))
}

/// BT.601 luma plane of an RGB image in [0, 1], on [16/255, 235/255] (the "Y channel" convention of
/// super-resolution papers: Y = (16 + 65.481 R + 128.553 G + 24.966 B) / 255); gray images pass through.
/// PSNR on it: psnr(luma601(a), luma601(b), dataRange: 1).
public func luma601(_ image: PlanarImage) -> PlanarImage {
    guard image.channels == 3 else { return image }
    let n = image.planeCount
    let y = (0..<n).map { p -> Float in
        let r = Double(image.pixels[p]), g = Double(image.pixels[n + p]), b = Double(image.pixels[2 * n + p])
        return Float((16 + 65.481 * r + 128.553 * g + 24.966 * b) / 255)
    }
    return PlanarImage(width: image.width, height: image.height, channels: 1, pixels: y)
}
