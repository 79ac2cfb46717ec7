import Imaging

/// Runs a clip through a window-based restorer (a `Denoiser`'s `denoise(window:...)`) as its frames
/// arrive, and hands the restored frames back in order. Frame i comes out once frames up to i + radius
/// have arrived (or its shot or the clip has ended before), so the stream holds a ring of at most
/// 2 * radius + 1 decoded frames whatever the clip's length. Scene cuts (`SceneCutDetector`) and the
/// clip's ends bound the windows (`TemporalWindow`). With one frame per window (an image model) every
/// frame comes out as soon as it goes in.
///
/// `Payload` travels with each frame (a decoder's timestamp, the clean frame in an evaluation).
public final class FrameStream<Payload> {
    public typealias Restore = (_ window: [PlanarImage]) throws -> PlanarImage
    public struct Output {
        public let index: Int
        public let frame: PlanarImage
        public let payload: Payload
    }

    public let frames: Int
    private let restore: Restore
    private let detector: SceneCutDetector?
    private var ring: [(index: Int, frame: PlanarImage, payload: Payload)] = []  // consecutive indices
    private var previousSignature: SceneCutDetector.Signature?
    private var shotStarts: [Int] = [0]   // first frame of each shot still in reach, ascending
    private var received = 0
    private var emitted = 0
    /// Scene cuts found so far: indices of the frames that start a new shot.
    public private(set) var cuts: [Int] = []
    /// Decoded frames held now (at most 2 * radius + 1).
    public var heldFrames: Int { ring.count }

    /// `frames`: the restorer's window (odd). `detector`: nil to treat the clip as one shot.
    public init(frames: Int, detector: SceneCutDetector? = SceneCutDetector(), restore: @escaping Restore) {
        precondition(frames >= 1 && frames % 2 == 1, "a window of \(frames) frames has no centre")
        (self.frames, self.detector, self.restore) = (frames, frames > 1 ? detector : nil, restore)
    }

    private var radius: Int { frames / 2 }

    /// Adds the next frame of the clip; returns the frames that can now be restored, in order.
    public func push(_ frame: PlanarImage, payload: Payload) throws -> [Output] {
        let index = received
        if let detector {
            let signature = detector.signature(of: frame)
            if let previousSignature, detector.isCut(from: previousSignature, to: signature) {
                shotStarts.append(index)
                cuts.append(index)
            }
            previousSignature = signature
        }
        ring.append((index, frame, payload))
        received += 1
        var ready: [Output] = []
        while emitted < received, emitted + radius < received || shotEnd(of: emitted) != nil {
            ready.append(try restoreNext(lastFrame: received - 1))
        }
        return ready
    }

    /// The clip has ended: restores and returns every frame still held.
    public func finish() throws -> [Output] {
        var ready: [Output] = []
        while emitted < received { ready.append(try restoreNext(lastFrame: received - 1)) }
        return ready
    }

    /// The last frame of frame i's shot, once a later cut has shown it.
    private func shotEnd(of i: Int) -> Int? {
        shotStarts.first { $0 > i }.map { $0 - 1 }
    }

    private func restoreNext(lastFrame: Int) throws -> Output {
        let i = emitted
        let start = shotStarts.last { $0 <= i } ?? 0
        let shot = max(start, i - radius)...min(shotEnd(of: i) ?? lastFrame, i + radius)
        let first = ring[0].index
        let window = TemporalWindow.indices(centre: i, frames: frames, shot: shot).map { ring[$0 - first].frame }
        let entry = ring[i - first]
        let output = Output(index: i, frame: try restore(window), payload: entry.payload)
        emitted += 1
        // Keep what the next frames can still need: from emitted - radius on.
        ring.removeFirst(max(0, min(ring.count, emitted - radius - first)))
        let currentShot = shotStarts.last { $0 <= emitted } ?? 0
        shotStarts.removeAll { $0 < currentShot }
        return output
    }
}
