import Foundation

/// The result file of one evaluation (JSON). Means are always recomputed from the items, so a merge
/// of shards gives the numbers one full run would.
public struct EvaluationReport: Codable, Sendable, Equatable {
    /// "gaussian", "sidd" or "davis".
    public var task: String
    /// The dataset's name (folder or .mat file name) and the path it was read from.
    public var dataset: String
    public var source: String
    /// Where the clean images are when not in `source` (the clean .mat of a SIDD .mat pair).
    public var reference: String?
    public var model: ModelIdentity
    /// Base seed of the synthetic noise; nil for real noise.
    public var seed: UInt64?
    public var blind: Bool
    /// "K/N" for one shard; nil for a full or merged run.
    public var shard: String?
    public var tile: Int
    public var overlap: Int
    public var threads: Int
    /// true when every tile was averaged over its 8 flips and rotations; nil (absent) for a single pass.
    public var selfEnsemble: Bool?
    /// "bfloat16" when the model's matrix products (MatrixPrecision) ran in bfloat16; nil (absent) for float32.
    public var precision: String?
    /// true when the synthetic noise was clipped and rounded to 8 bits (as a file holds it); nil (absent) otherwise.
    public var clipped: Bool?
    public var runs: [EvaluationRun]

    public init(task: String, dataset: String, source: String, reference: String? = nil, model: ModelIdentity, seed: UInt64?,
                blind: Bool, shard: String?, tile: Int, overlap: Int, threads: Int, selfEnsemble: Bool? = nil,
                clipped: Bool? = nil, precision: String? = nil, runs: [EvaluationRun]) {
        (self.task, self.dataset, self.source, self.reference) = (task, dataset, source, reference)
        (self.model, self.seed, self.blind) = (model, seed, blind)
        (self.shard, self.tile, self.overlap, self.threads, self.runs) = (shard, tile, overlap, threads, runs)
        self.selfEnsemble = selfEnsemble == true ? true : nil
        self.clipped = clipped == true ? true : nil
        self.precision = precision == "float32" ? nil : precision
    }

    enum CodingKeys: String, CodingKey {
        case task, dataset, source, reference, model, seed, blind, shard, tile, overlap, threads, runs
        case selfEnsemble = "self_ensemble", clipped, precision
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(task, forKey: .task)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(source, forKey: .source)
        try c.encode(reference, forKey: .reference)
        try c.encode(model, forKey: .model)
        try c.encode(seed, forKey: .seed)  // explicit null for real noise
        try c.encode(blind, forKey: .blind)
        try c.encode(shard, forKey: .shard)
        try c.encode(tile, forKey: .tile)
        try c.encode(overlap, forKey: .overlap)
        try c.encode(threads, forKey: .threads)
        try c.encodeIfPresent(selfEnsemble, forKey: .selfEnsemble)
        try c.encodeIfPresent(clipped, forKey: .clipped)
        try c.encodeIfPresent(precision, forKey: .precision)
        try c.encode(runs, forKey: .runs)
    }

    /// Pretty JSON with sorted keys (stable diffs); non-finite numbers (PSNR of identical images) as the strings "inf" / "nan".
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data, file: String) throws -> EvaluationReport {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(EvaluationReport.self, from: data)
        } catch {
            throw EvaluationError(file, "not an evaluation result file (\(error))")
        }
    }

    public static func read(path: String) throws -> EvaluationReport {
        guard let data = FileManager.default.contents(atPath: path) else { throw EvaluationError(path, "cannot read the file") }
        return try decode(data, file: path)
    }
}

/// One noise level (sigma on the 0-255 scale; nil for real noise) over the items of a dataset.
public struct EvaluationRun: Codable, Sendable, Equatable {
    public var sigma: Double?
    /// Means over the items (for video: over sequences, each the mean of its frames).
    public var psnr: Double
    public var ssim: Double?
    /// Pixels denoised per second of denoising time (noise estimation included when blind).
    public var megapixelsPerSecond: Double
    /// Video only: frames per second of denoising time.
    public var framesPerSecond: Double?
    /// Video only: the mean of the sequences' flicker (8-bit levels).
    public var flicker: Double?
    public var items: [EvaluationItem]

    /// A run over `items`, means computed from them.
    public init(sigma: Double?, items: [EvaluationItem]) {
        self.sigma = sigma
        self.items = items
        psnr = mean(items.map(\.psnr)) ?? .nan
        ssim = mean(items.compactMap(\.ssim))
        let seconds = items.reduce(0) { $0 + $1.seconds }
        megapixelsPerSecond = seconds > 0 ? items.reduce(0) { $0 + $1.megapixels } / seconds : 0
        let frames = items.reduce(0) { $0 + ($1.frames?.count ?? 0) }
        framesPerSecond = items.contains { $0.frames != nil } ? (seconds > 0 ? Double(frames) / seconds : 0) : nil
        flicker = mean(items.compactMap(\.flicker))
    }

    enum CodingKeys: String, CodingKey {
        case sigma, psnr, ssim, items, flicker
        case megapixelsPerSecond = "megapixels_per_second", framesPerSecond = "frames_per_second"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sigma, forKey: .sigma)  // null for real noise
        try c.encode(psnr, forKey: .psnr)
        try c.encode(ssim, forKey: .ssim)
        try c.encode(megapixelsPerSecond, forKey: .megapixelsPerSecond)
        try c.encodeIfPresent(framesPerSecond, forKey: .framesPerSecond)
        try c.encodeIfPresent(flicker, forKey: .flicker)
        try c.encode(items, forKey: .items)
    }
}

/// One image, block or video sequence.
public struct EvaluationItem: Codable, Sendable, Equatable {
    public var name: String
    public var psnr: Double
    /// nil when the image is smaller than SSIM's 11x11 window.
    public var ssim: Double?
    /// Denoising time (noise estimation included when blind), not decoding or scoring.
    public var seconds: Double
    public var megapixels: Double
    /// Blind runs: the estimated sigma (0-255 scale) the model was given.
    public var sigmaEstimate: Double?
    /// Video sequences: the frames whose mean this item is.
    public var frames: [FrameScore]?
    /// Video sequences: the mean flicker of the frames after the first (8-bit levels).
    public var flicker: Double?

    public init(name: String, psnr: Double, ssim: Double?, seconds: Double, megapixels: Double,
                sigmaEstimate: Double? = nil, frames: [FrameScore]? = nil) {
        (self.name, self.psnr, self.ssim, self.seconds, self.megapixels) = (name, psnr, ssim, seconds, megapixels)
        (self.sigmaEstimate, self.frames) = (sigmaEstimate, frames)
    }

    /// A video sequence: per-frame scores averaged, times and pixels summed.
    public init(sequence name: String, frames: [FrameScore], megapixels: Double) {
        self.init(name: name, psnr: mean(frames.map(\.psnr)) ?? .nan, ssim: mean(frames.compactMap(\.ssim)),
                  seconds: frames.reduce(0) { $0 + $1.seconds }, megapixels: megapixels, frames: frames)
        flicker = mean(frames.compactMap(\.flicker))
    }

    enum CodingKeys: String, CodingKey {
        case name, psnr, ssim, seconds, megapixels, frames, flicker
        case sigmaEstimate = "sigma_estimate"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(psnr, forKey: .psnr)
        try c.encode(ssim, forKey: .ssim)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(megapixels, forKey: .megapixels)
        try c.encodeIfPresent(sigmaEstimate, forKey: .sigmaEstimate)
        try c.encodeIfPresent(frames, forKey: .frames)
        try c.encodeIfPresent(flicker, forKey: .flicker)
    }
}

/// One video frame's scores.
public struct FrameScore: Codable, Sendable, Equatable {
    public var name: String
    public var psnr: Double
    public var ssim: Double?
    public var seconds: Double
    /// `flicker` against the previous frame (Metrics); nil for a sequence's first frame.
    public var flicker: Double?

    public init(name: String, psnr: Double, ssim: Double?, seconds: Double, flicker: Double? = nil) {
        (self.name, self.psnr, self.ssim, self.seconds, self.flicker) = (name, psnr, ssim, seconds, flicker)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(psnr, forKey: .psnr)
        try c.encode(ssim, forKey: .ssim)
        try c.encode(seconds, forKey: .seconds)
        try c.encodeIfPresent(flicker, forKey: .flicker)
    }

    enum CodingKeys: String, CodingKey { case name, psnr, ssim, seconds, flicker }
}

/// Arithmetic mean; nil for no values.
func mean(_ values: [Double]) -> Double? {
    values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
}
