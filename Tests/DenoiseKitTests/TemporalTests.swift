import Foundation
import Imaging
import Metrics
import Testing
@testable import DenoiseKit

/// Windows at a clip's ends and at cuts, the frame ring, the cut detector, and a temporal model's path
/// through the Denoiser (the tiny-temporal parity fixture: 3 frames).
@Suite struct TemporalTests {
    /// A flat frame whose value tells which frame it is (index / 100), with a little texture.
    static func tagged(_ index: Int, width: Int = 48, height: Int = 32, base: Float = 0) -> PlanarImage {
        var frame = PlanarImage(width: width, height: height, channels: 3)
        for i in frame.pixels.indices { frame.pixels[i] = base + Float(index) / 100 + Float(i % 7) / 1000 }
        return frame
    }

    static func index(of frame: PlanarImage, base: Float = 0) -> Int { Int(((frame.pixels[0] - base) * 100).rounded()) }

    @Test func windowsClampIntoTheirShot() {
        #expect(TemporalWindow.indices(centre: 0, frames: 5, shot: 0...9) == [0, 0, 0, 1, 2])
        #expect(TemporalWindow.indices(centre: 1, frames: 5, shot: 0...9) == [0, 0, 1, 2, 3])
        #expect(TemporalWindow.indices(centre: 9, frames: 5, shot: 0...9) == [7, 8, 9, 9, 9])
        #expect(TemporalWindow.indices(centre: 4, frames: 5, shot: 4...9) == [4, 4, 4, 5, 6])
        #expect(TemporalWindow.indices(centre: 3, frames: 5, shot: 0...3) == [1, 2, 3, 3, 3])
        #expect(TemporalWindow.indices(centre: 5, frames: 1, shot: 0...9) == [5])
    }

    /// Every frame comes out once, in order, from the window TemporalWindow gives; at most 5 frames held.
    @Test(arguments: [1, 2, 3, 7, 40])
    func streamRestoresEveryFrameInOrder(length: Int) throws {
        var windows: [[Int]] = []
        let stream = FrameStream<Int>(frames: 5, detector: nil) { window in
            windows.append(window.map { Self.index(of: $0) })
            return window[2]
        }
        var out: [Int] = []
        for i in 0..<length {
            out += try stream.push(Self.tagged(i), payload: i).map { Self.index(of: $0.frame) }
            #expect(stream.heldFrames <= 5)
        }
        out += try stream.finish().map { Self.index(of: $0.frame) }
        #expect(out == Array(0..<length))
        #expect(windows == (0..<length).map { TemporalWindow.indices(centre: $0, frames: 5, shot: 0...(length - 1)) })
    }

    /// A frame is written as soon as the frames its window needs have arrived: two frames late.
    @Test func streamLagsByTheRadius() throws {
        let stream = FrameStream<Int>(frames: 5, detector: nil) { $0[2] }
        #expect(try stream.push(Self.tagged(0), payload: 0).isEmpty)
        #expect(try stream.push(Self.tagged(1), payload: 1).isEmpty)
        #expect(try stream.push(Self.tagged(2), payload: 2).map(\.payload) == [0])
        #expect(try stream.push(Self.tagged(3), payload: 3).map(\.payload) == [1])
        #expect(try stream.finish().map(\.payload) == [2, 3])
    }

    /// A hard cut: no window mixes the two shots, and the last frame of the first shot comes out as soon
    /// as the cut is seen.
    @Test func sceneCutsBoundTheWindows() throws {
        var windows: [[Int]] = []
        let stream = FrameStream<Int>(frames: 5) { window in
            windows.append(window.map(\.pixels[0]).map { $0 < 0.5 ? Self.index(of: PlanarImage(width: 1, height: 1, channels: 1, pixels: [$0]))
                                                                   : Self.index(of: PlanarImage(width: 1, height: 1, channels: 1, pixels: [$0]), base: 0.7) })
            return window[2]
        }
        var emitted: [[Int]] = []
        for i in 0..<8 {
            let frame = i < 4 ? Self.tagged(i) : Self.tagged(i, base: 0.7)
            emitted.append(try stream.push(frame, payload: i).map(\.payload))
        }
        emitted.append(try stream.finish().map(\.payload))
        #expect(stream.cuts == [4])
        #expect(emitted[4] == [2, 3], "frame 3 is written when the cut is seen, without waiting for frame 5")
        #expect(windows[3] == [1, 2, 3, 3, 3])
        #expect(windows[4] == [4, 4, 4, 5, 6])
        #expect(windows[5] == [4, 4, 5, 6, 7])
    }

    /// A 192x144 noisy frame of scene 0 (waves) or 1 (a ramp), the scene moved `shift` pixels left.
    static func picture(_ shift: Int, scene: Int, noise: Float, seed: Int = 0) -> PlanarImage {
        var rng = SplitMix(seed: UInt64(seed + 7 * scene + 1000 * shift))
        var frame = PlanarImage(width: 192, height: 144, channels: 3)
        for c in 0..<3 {
            for y in 0..<144 {
                for x in 0..<192 {
                    let u = Float(x + shift) / 192, v = Float(y) / 144
                    let clean = scene == 0 ? 0.5 + 0.3 * sin(9 * u + Float(c)) * cos(7 * v)
                                           : 0.2 + 0.6 * (u * v + Float(c) * 0.1)
                    frame.pixels[(c * 144 + y) * 192 + x] = min(1, max(0, clean + noise * rng.gaussian()))
                }
            }
        }
        return frame
    }

    /// Moving texture under heavy noise (sigma 50, 4 px a frame) is one shot; two different pictures are two.
    @Test func cutDetectorSeparatesMotionFromCuts() {
        let detector = SceneCutDetector()
        let a0 = detector.signature(of: Self.picture(0, scene: 0, noise: 50 / 255))
        let a1 = detector.signature(of: Self.picture(4, scene: 0, noise: 50 / 255))
        let b = detector.signature(of: Self.picture(0, scene: 1, noise: 50 / 255))
        #expect(!detector.isCut(from: a0, to: a1))
        #expect(detector.isCut(from: a1, to: b))
    }

    /// A clip that cuts from one moving scene to another: each shot comes out exactly as it does as a clip
    /// of its own (tolerance 0), so nothing of one shot reaches the other.
    @Test func cutClipRestoresEachShotAsItsOwnClip() throws {
        let denoiser = try Self.tinyTemporal()
        let shotA = (0..<4).map { Self.picture(2 * $0, scene: 0, noise: 25 / 255, seed: 1) }
        let shotB = (0..<4).map { Self.picture(2 * $0, scene: 1, noise: 25 / 255, seed: 2) }
        func run(_ frames: [PlanarImage]) throws -> (outputs: [[Float]], cuts: [Int]) {
            let stream = FrameStream<Int>(frames: denoiser.frames) { try denoiser.denoise(window: $0, sigma: 25) }
            var outputs: [[Float]] = []
            for (i, frame) in frames.enumerated() { outputs += try stream.push(frame, payload: i).map(\.frame.pixels) }
            outputs += try stream.finish().map(\.frame.pixels)
            return (outputs, stream.cuts)
        }
        let joined = try run(shotA + shotB), alone = (try run(shotA), try run(shotB))
        #expect(joined.cuts == [4] && alone.0.cuts.isEmpty && alone.1.cuts.isEmpty)
        #expect(joined.outputs == alone.0.outputs + alone.1.outputs)
    }

    static func tinyTemporal(tile: Int = 32) throws -> Denoiser {
        let model = try ModelCatalog.load(Repo.path("Tests/SkipatModelTests/Fixtures/tiny-temporal.safetensors"))
        return try Denoiser(model: model, tileSize: tile, overlap: 8, threads: 2)
    }

    /// A still through a temporal model is the clip of that one frame: the same as a window of copies
    /// (tolerance 0: the same numbers reach the model).
    @Test func stillIsAWindowOfCopies() throws {
        let denoiser = try Self.tinyTemporal()
        #expect(denoiser.frames == 3)
        let frame = Self.tagged(30, width: 70, height: 45)
        let still = try denoiser.denoise(frame, sigma: 20, whiteNoise: false)
        let window = try denoiser.denoise(window: [frame, frame, frame], sigma: 20, whiteNoise: false)
        #expect(still.pixels == window.pixels)
        #expect(throws: DenoiserError.self) { try denoiser.denoise(window: [frame], sigma: 20) }
    }

    /// The neighbours reach the output (the fixture's fusion branch is not zero), and gray frames come back
    /// gray at their size.
    @Test func neighboursChangeTheOutput() throws {
        let denoiser = try Self.tinyTemporal()
        let (a, b) = (Self.tagged(30, width: 40, height: 40), Self.tagged(60, width: 40, height: 40))
        let same = try denoiser.denoise(window: [a, a, a], sigma: 10, whiteNoise: false)
        let mixed = try denoiser.denoise(window: [b, a, b], sigma: 10, whiteNoise: false)
        #expect(zip(same.pixels, mixed.pixels).map { abs($0 - $1) }.max()! > 1e-3)
        let gray = PlanarImage(width: 40, height: 40, channels: 1, pixels: Array(a.pixels[0..<1600]))
        let out = try denoiser.denoise(window: [gray, gray, gray], sigma: 10, whiteNoise: false)
        #expect(out.channels == 1 && out.width == 40 && out.height == 40)
    }
}

/// Deterministic normal samples for the tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) + 1e-7 }
    mutating func gaussian() -> Float { sqrt(-2 * log(uniform())) * cos(2 * .pi * uniform()) }
}
