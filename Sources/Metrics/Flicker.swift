import Imaging

/// Temporal flicker of a restored clip at one frame: the mean absolute difference between the output's
/// frame-to-frame change and the clean clip's, in units of `dataRange` / 255 (8-bit levels for data in
/// [0, 1]):
///
///     flicker_t = mean | (out_t - out_{t-1}) - (clean_t - clean_{t-1}) | * 255 / dataRange
///
/// Zero when the output changes from frame to frame exactly as the clean frames do; noise left in the
/// output, or detail that comes and goes, raises it. A clip's flicker is the mean over its frames after
/// the first (docs/design.md, section 6).
public func flicker(previousOutput: PlanarImage, output: PlanarImage, previousClean: PlanarImage, clean: PlanarImage,
                    dataRange: Double = 1) -> Double {
    precondition([output, previousClean, clean].allSatisfy { $0.pixels.count == previousOutput.pixels.count },
                 "flicker of frames of different sizes")
    guard !output.pixels.isEmpty else { return 0 }
    var sum = 0.0
    for i in output.pixels.indices {
        let change = Double(output.pixels[i]) - Double(previousOutput.pixels[i])
        let cleanChange = Double(clean.pixels[i]) - Double(previousClean.pixels[i])
        sum += abs(change - cleanChange)
    }
    return sum / Double(output.pixels.count) * 255 / dataRange
}
