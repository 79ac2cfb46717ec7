import Codec
import DenoiseKit
import Dispatch
import Foundation
import Imaging
import Metrics

extension Evaluator {
    /// Synthetic AWGN on DAVIS sequences (NoiseSeed parts: sequence index, frame index, sigma), each
    /// sequence run through the denoiser as `denoise-video` runs a clip (`FrameStream`: a temporal model
    /// sees each frame's neighbours within its shot; an image model one frame at a time), so every model
    /// meets the same noisy frames. Each sequence's PSNR, SSIM and flicker are the means over its frames;
    /// a run's, the means over its sequences. `frames` keeps only the first N frames of each sequence.
    public func davis(root: String, sigmas: [Double], frames limit: Int? = nil) throws -> EvaluationReport {
        let sequences = try DatasetFolders.sequences(in: root)
        let selected = shard.select(sequences)
        var items = [[EvaluationItem]](repeating: [], count: sigmas.count)
        for (n, entry) in selected.enumerated() {
            let files = Array(entry.item.frames.prefix(limit ?? .max))
            var summary: [String] = []
            for (s, sigma) in sigmas.enumerated() {
                let item = try davisSequence(entry.item.name, index: entry.index, files: files, sigma: sigma)
                items[s].append(item)
                summary.append("sigma \(MarkdownReport.sigmaText(sigma)) " + Self.format(Score(psnr: item.psnr, ssim: item.ssim))
                               + String(format: ", flicker %.2f, %.2f fps", item.flicker ?? .nan,
                                        item.seconds > 0 ? Double(files.count) / item.seconds : 0))
            }
            log("[\(n + 1)/\(selected.count)] \(entry.item.name) (\(files.count) frames): " + summary.joined(separator: "; "))
        }
        let runs = zip(sigmas, items).map { EvaluationRun(sigma: $0, items: $1) }
        return report(task: "davis", dataset: DatasetFolders.displayName(root), source: root, synthetic: true, runs: runs)
    }

    /// One sequence at one sigma: its frames read, made noisy and streamed through the denoiser in order.
    private func davisSequence(_ name: String, index: Int, files: [String], sigma: Double) throws -> EvaluationItem {
        struct Pending { let clean: PlanarImage; let name: String; let maxValue: Float }
        var seconds = 0.0
        let stream = FrameStream<Pending>(frames: denoiser.frames) { [self] window in
            let start = DispatchTime.now().uptimeNanoseconds
            let centre = window[window.count / 2]
            let (level, measured) = denoiser.sigma(for: centre, given: blind ? nil : Float(sigma))
            let output = try denoiser.denoise(window: window, sigma: level,
                                              whiteNoise: clippingCorrection && (measured?.isWhite ?? true))
            seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            return output
        }
        var scores: [FrameScore] = []
        var megapixels = 0.0
        var previous: (output: PlanarImage, clean: PlanarImage)?
        func scoreFrames(_ outputs: [FrameStream<Pending>.Output]) throws {
            for out in outputs {
                let scored = Evaluation.score(output: out.frame, clean: out.payload.clean, maxValue: out.payload.maxValue)
                let rounded = quantized(out.frame, maxValue: out.payload.maxValue)
                let change = previous.map {
                    flicker(previousOutput: $0.output, output: rounded, previousClean: $0.clean, clean: out.payload.clean)
                }
                previous = (rounded, out.payload.clean)
                try save(out.frame, as: "\(Self.sigmaFolder(sigma))/\(name)/\(out.payload.name).png")
                scores.append(FrameScore(name: out.payload.name, psnr: scored.psnr, ssim: scored.ssim, seconds: 0, flicker: change))
            }
        }
        for (f, file) in files.enumerated() {
            let stored = try ImageFile.read(path: file, maxPixels: maxPixels)
            let clean = stored.colorPlanes()
            megapixels += Double(clean.planeCount) / 1e6
            let seed = NoiseSeed.derive(base: self.seed, [UInt64(index), UInt64(f), NoiseSeed.sigmaCode(sigma)])
            let pending = Pending(clean: clean, name: DatasetFolders.stem(file), maxValue: stored.layout.maxValue)
            try scoreFrames(try stream.push(noisyInput(clean, sigma: sigma, seed: seed), payload: pending))
        }
        try scoreFrames(try stream.finish())
        // Denoising time is spread evenly over the frames (a temporal model's calls do not map one to one
        // onto the frames read).
        let perFrame = scores.isEmpty ? 0 : seconds / Double(scores.count)
        return EvaluationItem(sequence: name, frames: scores.map {
            FrameScore(name: $0.name, psnr: $0.psnr, ssim: $0.ssim, seconds: perFrame, flicker: $0.flicker)
        }, megapixels: megapixels)
    }
}
