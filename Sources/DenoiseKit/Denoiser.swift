import Engine
import Foundation
import Imaging
import SkipatModel
import Tiling

/// The denoising pipeline on pixel buffers: tiles of `tileSize` with `overlap`, the SKIPAT model on
/// each tile (one workspace per worker thread), seamless blending. No file I/O.
///
///     let denoiser = try Denoiser(preset: .quality, threads: 2)
///     let clean = try denoiser.denoise(noisyPlanes, sigma: 25)   // PlanarImage, values in [0, 1]
///
/// Calls may come from any thread; they run one at a time (the workers already use every core).
/// `threads` sets this Denoiser's workers only; nothing process-wide is changed.
public final class Denoiser: @unchecked Sendable {
    public let model: SkipatDenoiser
    public let processor: TiledProcessor
    public let estimator = NoiseEstimator()
    // One per worker; worker i only ever touches workspaces[i] (TiledProcessor's contract).
    private let workspaces: [Workspace]
    private let staging: [UnsafeMutablePointer<Float>]
    private let oneAtATime = NSLock()
    /// Geometric self-ensemble: (symmetries, T * T) gather maps of the tile symmetries averaged per tile;
    /// just the identity when off.
    private let symmetryMaps: [[Int]]
    public var selfEnsemble: Bool { symmetryMaps.count > 1 }

    /// Tiling defaults of every tool (see TilePlan for how they were chosen).
    public static let defaultTileSize = TilePlan.defaultTileSize
    public static let defaultOverlap = TilePlan.defaultOverlap

    /// `selfEnsemble`: average the model's outputs over the 8 flips and rotations of every tile (8x the
    /// time, for a slightly better result: the x8 geometric self-ensemble of the restoration literature).
    public init(model: SkipatDenoiser, tileSize: Int = Denoiser.defaultTileSize, overlap: Int = Denoiser.defaultOverlap, threads: Int? = nil,
                selfEnsemble: Bool = false) throws {
        let m = model.config.sizeMultiple
        guard tileSize > 0, tileSize % m == 0 else {
            throw DenoiserError("tile size \(tileSize)", "must be a positive multiple of \(m) for this model")
        }
        guard overlap >= 0, 2 * overlap < tileSize else {
            throw DenoiserError("overlap \(overlap)", "must be at least 0 and below half the tile size \(tileSize)")
        }
        self.model = model
        let threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        processor = TiledProcessor(tileSize: tileSize, overlap: overlap, threads: threads)
        workspaces = (0..<threads).map { _ in model.makeWorkspace() }
        // Per worker: channel-last model input (T, T, 3F+1) then output (T, T, 3).
        staging = (0..<threads).map { _ in .allocate(capacity: tileSize * tileSize * (model.config.inChannels + 3)) }
        symmetryMaps = (selfEnsemble ? SquareSymmetry.all : [SquareSymmetry(0)]).map { $0.sourceIndices(size: tileSize) }
    }

    /// A pipeline around a bundled preset. `precision`: of its matrix products (MatrixPrecision.fastest by default).
    public convenience init(preset: Preset, tileSize: Int = Denoiser.defaultTileSize, overlap: Int = Denoiser.defaultOverlap, threads: Int? = nil,
                            selfEnsemble: Bool = false, precision: MatrixPrecision = .fastest) throws {
        try self.init(model: try ModelCatalog.load(preset, precision: precision), tileSize: tileSize, overlap: overlap, threads: threads,
                      selfEnsemble: selfEnsemble)
    }

    /// A pipeline around the model in the weight file at `weightFile` (a .safetensors file from Scripts/export.py).
    public convenience init(weightFile: String, tileSize: Int = Denoiser.defaultTileSize, overlap: Int = Denoiser.defaultOverlap,
                            threads: Int? = nil, selfEnsemble: Bool = false, precision: MatrixPrecision = .fastest) throws {
        try self.init(model: try ModelCatalog.load(weightFile: weightFile, precision: precision), tileSize: tileSize, overlap: overlap,
                      threads: threads, selfEnsemble: selfEnsemble)
    }

    /// Frames the model looks at to restore one (1 for an image model); `denoise(window:...)` takes this many.
    public var frames: Int { model.config.frames }

    deinit {
        for buffer in staging { buffer.deallocate() }
    }

    /// Denoises `image` (1 or 3 colour planes in [0, 1]) at noise level `sigma` (0-255 scale).
    /// Gray images go through the colour model as three equal planes and come back as their mean.
    /// Throws for anything but 1 or 3 planes (split alpha off first: `PlanarImage.planes(_:)`), an empty
    /// image, or a sigma outside 0...255. With `whiteNoise` (the default) and a clipped input (every sample
    /// in [0, 1], as any file), the output is corrected for the bias of clipped noise at sigma
    /// (`ClippedNoiseCorrection`); pass false for camera noise, whose per-pixel level is not `sigma`.
    public func denoise(_ image: PlanarImage, sigma: Float, whiteNoise: Bool = true,
                        progress: ((Int, Int) -> Void)? = nil) throws -> PlanarImage {
        try restore([image], sigma: sigma, whiteNoise: whiteNoise, progress: progress)
    }

    /// The centre frame of `window` restored (a window of one frame: a still), clipped-noise corrected as
    /// `denoise` describes.
    private func restore(_ window: [PlanarImage], sigma: Float, whiteNoise: Bool,
                         progress: ((Int, Int) -> Void)?) throws -> PlanarImage {
        var result = try denoiseTiles(window, sigma: sigma, progress: progress)
        if whiteNoise, sigma > 0, ClippedNoiseCorrection.isClipped(window[window.count / 2]) {
            ClippedNoiseCorrection(sigma255: sigma).apply(to: &result)
        }
        return result
    }

    /// The model over the tiles of a window's frames (one for a still, which a temporal model sees as a
    /// window of copies); gray frames go through as three equal planes and come back as their mean.
    private func denoiseTiles(_ window: [PlanarImage], sigma: Float, progress: ((Int, Int) -> Void)?) throws -> PlanarImage {
        let image = window[window.count / 2]
        guard image.channels == 1 || image.channels == 3 else {
            throw DenoiserError("image", "has \(image.channels) planes; the denoiser takes 1 (gray) or 3 (RGB): "
                                + "split off alpha (or the second plane of gray+alpha) first")
        }
        guard window.allSatisfy({ $0.width == image.width && $0.height == image.height && $0.channels == image.channels }) else {
            throw DenoiserError("window", "its frames differ in size or planes")
        }
        try Self.check(width: image.width, height: image.height, sigma: sigma)
        var colour = window.map {
            $0.channels == 3 ? $0 : PlanarImage(width: $0.width, height: $0.height, channels: 3, pixels: $0.pixels + $0.pixels + $0.pixels)
        }
        // A window, as the model was trained on it (Scripts/motion.py): aligned, then prefiltered, which
        // leaves a noise level per pixel (0-255), stacked after the frames for the tiler to cut alike.
        var levels: PlanarImage?
        if window.count > 1, model.config.alignment == .block { colour = BlockMatcher.align(window: colour, threads: processor.threads) }
        if window.count > 1, model.config.prefilter == .robust { (colour, levels) = TemporalPrefilter.apply(window: colour, sigma: sigma, threads: processor.threads) }
        oneAtATime.lock()
        defer { oneAtATime.unlock() }
        let result = processor.run(stack: colour + (levels.map { [$0] } ?? []), outChannels: 3, progress: progress,
                                   transform: tileTransform(sigma: sigma, inputFrames: window.count, levelPlane: levels != nil))
        guard image.channels == 1 else { return result }
        let n = image.planeCount
        return PlanarImage(width: image.width, height: image.height, channels: 1,
                           pixels: (0..<n).map { (result.pixels[$0] + result.pixels[n + $0] + result.pixels[2 * n + $0]) / 3 })
    }

    /// What every entry refuses: an empty image, a sigma outside 0...255.
    private static func check(width: Int, height: Int, sigma: Float) throws {
        guard width > 0, height > 0 else { throw DenoiserError("image", "is empty (\(width)x\(height))") }
        guard sigma.isFinite, (0...255).contains(sigma) else {
            throw DenoiserError("sigma \(sigma)", "out of range: give a noise level from 0 to 255")
        }
    }

    /// The model on one tile: planar (3 * inputFrames, T, T) in (and with `levelPlane` one more plane: the
    /// noise level per pixel, 0-255), planar (3, T, T) out, through each symmetry map of the self-ensemble,
    /// with the noise level as the last input plane. `inputFrames` is the model's
    /// frame count, or 1 for a still, which a temporal model sees as a clip of that one frame (the frame in
    /// every slot of its window, as at the first frame of a clip).
    private func tileTransform(sigma: Float, inputFrames: Int, levelPlane: Bool = false) -> TiledProcessor.Transform {
        let t = processor.tileSize, plane = t * t, level = sigma / 255
        let frames = model.config.frames, channelsIn = model.config.inChannels
        precondition(inputFrames == 1 || inputFrames == frames, "\(inputFrames) input frames for a \(frames)-frame model")
        return { [self] worker, input, output in
            let x = staging[worker], y = x + plane * channelsIn
            let weight = 1 / Float(symmetryMaps.count)
            for (s, source) in symmetryMaps.enumerated() {
                // planar (3 * inputFrames, T, T) -> channel-last (T, T, 3F + 1) with the noise-level plane
                for f in 0..<frames {
                    let frame = input + (inputFrames == 1 ? 0 : 3 * f * plane)
                    for p in 0..<plane {
                        let q = source[p], pixel = x + p * channelsIn + 3 * f
                        pixel[0] = frame[q]
                        pixel[1] = frame[plane + q]
                        pixel[2] = frame[2 * plane + q]
                    }
                }
                if levelPlane {  // per pixel, after the frames' planes, on the 0-255 scale
                    let levels = input + 3 * inputFrames * plane
                    for p in 0..<plane { x[p * channelsIn + channelsIn - 1] = levels[source[p]] / 255 }
                } else {
                    for p in 0..<plane { x[p * channelsIn + channelsIn - 1] = level }
                }
                model.forward(x, height: t, width: t, into: y, workspace: workspaces[worker])
                for p in 0..<plane {  // back through the same map: pixel p of the transformed tile is source[p]
                    let q = source[p]
                    for c in 0..<3 {
                        let value = y[p * 3 + c]
                        output[c * plane + q] = s == 0 ? value * weight : output[c * plane + q] + value * weight
                    }
                }
            }
        }
    }

    /// Restores the centre frame of `window`, `frames` consecutive frames of one shot (1 or 3 colour planes
    /// each, one size, values in [0, 1]) at noise level `sigma`. Which frames make up a window at the ends
    /// of a clip and at scene cuts is `TemporalWindow`'s business; `FrameStream` does it for a clip.
    /// An image model takes a window of one frame and gives `denoise(window[0], ...)`.
    public func denoise(window: [PlanarImage], sigma: Float, whiteNoise: Bool = true,
                        progress: ((Int, Int) -> Void)? = nil) throws -> PlanarImage {
        guard window.count == frames else {
            throw DenoiserError("window of \(window.count) frame(s)", "this model restores the centre of \(frames)")
        }
        return try restore(window, sigma: sigma, whiteNoise: whiteNoise, progress: progress)
    }

    /// Denoises the colour samples of a decoded file in place (alpha untouched), a row of tiles at a
    /// time: besides the samples themselves it holds about three tile-heights of float rows of the
    /// width, whatever the height, where `denoise` holds the image as float planes twice over. The
    /// samples come out exactly as `image.replacingColor(with: denoise(image.colorPlanes(), ...))`
    /// (tested). A file's samples are clipped by nature, so `whiteNoise` brings the clipped-noise
    /// correction as in `denoise`.
    public func denoise(_ image: inout StoredImage, sigma: Float, whiteNoise: Bool = true,
                        progress: ((Int, Int) -> Void)? = nil) throws {
        try Self.check(width: image.width, height: image.height, sigma: sigma)
        oneAtATime.lock()
        defer { oneAtATime.unlock() }
        let correction = whiteNoise && sigma > 0 ? ClippedNoiseCorrection(sigma255: sigma) : nil
        let bands = StoredImageBands(image: image, correction: correction)
        image.samples = []  // the bands own the only copy while they work (no copy-on-write of a large array)
        var (source, sink) = (bands, bands)
        defer { image = bands.image }
        try processor.runBanded(&source, into: &sink, outChannels: 3, progress: progress,
                                transform: tileTransform(sigma: sigma, inputFrames: 1))
    }

    /// `denoise(_: inout StoredImage, ...)` for samples that stream: `readRows(n)` returns the next n rows
    /// of interleaved samples of `layout` (top to bottom), `writeRows(samples, n)` takes n finished rows.
    /// Nothing but a few tile-heights of rows is held, so a decoder and an encoder that work row by row
    /// (libpng) keep memory independent of the height. Same samples as the in-place form (tested).
    public func denoise(width: Int, height: Int, layout: PixelLayout, sigma: Float, whiteNoise: Bool = true,
                        readRows: @escaping (Int) throws -> [UInt16], writeRows: @escaping ([UInt16], Int) throws -> Void,
                        progress: ((Int, Int) -> Void)? = nil) throws {
        try Self.check(width: width, height: height, sigma: sigma)
        oneAtATime.lock()
        defer { oneAtATime.unlock() }
        let correction = whiteNoise && sigma > 0 ? ClippedNoiseCorrection(sigma255: sigma) : nil
        let bands = StreamedSampleBands(width: width, height: height, layout: layout, correction: correction,
                                        readRows: readRows, writeRows: writeRows)
        var (source, sink) = (bands, bands)
        try processor.runBanded(&source, into: &sink, outChannels: 3, progress: progress,
                                transform: tileTransform(sigma: sigma, inputFrames: 1))
    }

    /// The sigma to denoise `image` at: `given` when the caller knows it, else the blind level measured on
    /// the image (`BlindNoiseLevel.modelSigma`), returned too so a tool can report it.
    public func sigma<Image: SampleGrid>(for image: Image, given: Float?) -> (sigma: Float, measured: BlindNoiseLevel?) {
        if let given { return (given, nil) }
        let level = estimator.blindLevel(image)
        return (level.modelSigma, level)
    }

    /// Blind denoising: measures the noise first (`BlindNoiseLevel`). Returns the result and the measurement.
    public func denoiseBlind(_ image: PlanarImage, progress: ((Int, Int) -> Void)? = nil) throws -> (image: PlanarImage, level: BlindNoiseLevel) {
        let level = estimator.blindLevel(image)
        return (try denoise(image, sigma: level.modelSigma, whiteNoise: level.isWhite, progress: progress), level)
    }
}

/// Why DenoiseKit could not do what was asked: the subject (a model, a file, an argument) and the problem.
public struct DenoiserError: Error, CustomStringConvertible, Equatable {
    public let subject: String
    public let problem: String
    public init(_ subject: String, _ problem: String) { (self.subject, self.problem) = (subject, problem) }
    public var description: String { "\(subject): \(problem)" }
}
