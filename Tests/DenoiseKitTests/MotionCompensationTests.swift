import Foundation
import Testing
import TestSupport
@testable import DenoiseKit
import Imaging

/// Block alignment (BlockMatcher) and the temporal prefilter, each against its Python twin (Scripts/motion.py).
@Suite struct MotionCompensationTests {
    struct Fixture: Decodable {
        let width: Int, height: Int
        let frames: [[Int]]          // (T, 3 * H * W) 8-bit planes
        let shifts: [String: [[Int]]]  // neighbour index -> (blocks, 2) (dy, dx)
        let aligned: [[Int]]
        let prefilterSigma: Float
        let filteredCentre: [Float]   // (3 * H * W)
        let filteredLevels: [Float]   // (H * W), 0-255
        enum CodingKeys: String, CodingKey {
            case width, height, frames, shifts, aligned
            case prefilterSigma = "prefilter_sigma", filteredCentre = "filtered_centre", filteredLevels = "filtered_levels"
        }
    }

    static func image(_ levels: [Int], _ f: Fixture) -> PlanarImage {
        PlanarImage(width: f.width, height: f.height, channels: 3, pixels: levels.map { Float($0) / 255 })
    }

    /// Same shifts and the same aligned window as Scripts/motion.py on the fixture it wrote
    /// (Scripts/make_motion_fixture.py). Exact: both sides read identical floats and compare costs that
    /// differ only in the order of a float64 sum, far below the gaps between the candidates' costs here.
    @Test func matchesThePythonReference() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repository.path("Tests/DenoiseKitTests/Fixtures/motion-window.json")))
        let f = try JSONDecoder().decode(Fixture.self, from: data)
        let window = f.frames.map { Self.image($0, f) }
        let centre = BlockMatcher.luma(window[1])
        for (key, expected) in f.shifts {
            let t = try #require(Int(key))
            let found = BlockMatcher.shifts(centre: centre, neighbour: BlockMatcher.luma(window[t]))
            #expect(found.map { [$0.dy, $0.dx] } == expected, "frame \(t)")
        }
        let aligned = BlockMatcher.align(window: window, threads: 2)
        #expect(aligned.map { $0.pixels.map { Int(($0 * 255).rounded()) } } == f.aligned)
    }

    /// The temporal prefilter gives Scripts/motion.py's centre frame and levels on the aligned fixture
    /// window, within 1e-6 (float32 outputs of float64 sums taken in another order; levels relative).
    @Test func prefilterMatchesThePythonReference() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repository.path("Tests/DenoiseKitTests/Fixtures/motion-window.json")))
        let f = try JSONDecoder().decode(Fixture.self, from: data)
        let (window, levels) = TemporalPrefilter.apply(window: f.aligned.map { Self.image($0, f) }, sigma: f.prefilterSigma)
        let found = try #require(levels).pixels
        #expect(zip(found, f.filteredLevels).allSatisfy { abs($0 - $1) <= 1e-6 * f.prefilterSigma })
        #expect(zip(window[1].pixels, f.filteredCentre).allSatisfy { abs($0 - $1) <= 1e-6 })
        #expect(found.reduce(0, +) / Float(found.count) < f.prefilterSigma * 0.95)  // some noise was averaged away
    }

    /// Neighbours weighed on two threads give the one-thread result exactly (summed in slot order).
    @Test func prefilterThreadsDoNotChangeTheResult() throws {
        let clean = try Repo.clean("chelsea")
        let window = (1...5).map { addGaussianNoise(clean, sigma: 20, seed: UInt64($0)) }
        let one = TemporalPrefilter.apply(window: window, sigma: 20, threads: 1)
        let two = TemporalPrefilter.apply(window: window, sigma: 20, threads: 2)
        #expect(one.window[2] == two.window[2] && one.levels == two.levels)
    }

    /// Copies of a frame count once: a window clamped at a clip's end has no more noise averaged away than
    /// its distinct frames hold, and a window of copies is left as it is.
    @Test func prefilterCountsEachFrameOnce() throws {
        let clean = try Repo.clean("chelsea")
        let a = addGaussianNoise(clean, sigma: 20, seed: 1), b = addGaussianNoise(clean, sigma: 20, seed: 2)
        let (copies, copiesLevels) = TemporalPrefilter.apply(window: [a, a, a, a, a], sigma: 20)
        #expect(copies == [a, a, a, a, a] && copiesLevels == nil)
        let (_, pair) = TemporalPrefilter.apply(window: [a, a, a, b, b], sigma: 20)
        let (_, plain) = TemporalPrefilter.apply(window: [a, a, b], sigma: 20)
        #expect(pair == plain)
        let levels = try #require(pair).pixels
        // Two frames: sigma / sqrt(2) at best (where they match), sigma at worst.
        #expect(levels.allSatisfy { $0 >= 20 / Float(2).squareRoot() * 0.999 && $0 <= 20 })
        #expect(levels.reduce(0, +) / Float(levels.count) < 20 * 0.8)
    }

    /// A frame whose content moved by a whole number of pixels (up to 2 * radius + 1) is put back onto the
    /// centre frame: away from the edges the content left, the aligned frame differs from the centre by
    /// less than 3/255 on average, where the frame as it came differed by more than 10/255. Not zero: the
    /// shift penalty (0.002 per half-res pixel, about 0.5/255 of mean difference) keeps a smaller shift
    /// for a weakly textured block whose true shift gains less than the penalty costs.
    @Test(arguments: [(3, -5), (-12, 7), (17, -16)])
    func undoesATranslation(dy: Int, dx: Int) throws {
        let still = try Repo.clean("chelsea")
        let (w, h) = (96, 80)
        func crop(_ y0: Int, _ x0: Int) -> PlanarImage {
            PlanarImage(width: w, height: h, channels: 3, pixels: (0..<3).flatMap { c in
                (0..<h).flatMap { y in (0..<w).map { x in still[c, y0 + y, x0 + x] } }
            })
        }
        let centre = crop(60, 60), moved = crop(60 + dy, 60 + dx)
        let aligned = BlockMatcher.align(window: [moved, centre, moved])
        #expect(aligned[1] == centre)
        #expect(aligned[0] == aligned[2])
        // Mean absolute difference to the centre over the pixels whose source lies inside the moved frame.
        func difference(_ frame: PlanarImage) -> Double {
            var sum = 0.0, count = 0
            for c in 0..<3 {
                for y in max(0, -dy) + 16..<min(h, h - dy) - 16 {
                    for x in max(0, -dx) + 16..<min(w, w - dx) - 16 {
                        sum += Double(abs(frame[c, y, x] - centre[c, y, x])); count += 1
                    }
                }
            }
            return sum / Double(count)
        }
        #expect(difference(aligned[0]) < 3.0 / 255, "aligned \(difference(aligned[0]) * 255) levels")
        #expect(difference(moved) > 10.0 / 255, "unaligned \(difference(moved) * 255) levels")
    }

    /// Copies of the centre frame (a window clamped at a clip's end) are left exactly as they are.
    @Test func copiesOfTheCentreStayPut() throws {
        let frame = addGaussianNoise(try Repo.clean("chelsea"), sigma: 30, seed: 3)
        let window = [frame, frame, frame, frame, frame]
        #expect(BlockMatcher.align(window: window, threads: 2) == window)
    }
}
