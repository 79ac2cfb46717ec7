import Foundation
import Imaging
import Testing
@testable import Tiling

@Suite struct TilePlanTests {
    /// Every pixel of the image lies inside some tile, for sizes from 1x1 up.
    @Test(arguments: [(1, 1), (5, 3), (127, 128), (128, 128), (129, 300), (1000, 97)])
    func tilesCoverEveryPixel(width: Int, height: Int) {
        let plan = TilePlan(width: width, height: height, tileSize: 128, overlap: 32)
        var covered = [Bool](repeating: false, count: width * height)
        for i in 0..<plan.count {
            let o = plan.origin(i)
            for y in max(0, o.y)..<min(height, o.y + 128) { for x in max(0, o.x)..<min(width, o.x + 128) { covered[y * width + x] = true } }
        }
        #expect(covered.allSatisfy { $0 })
    }

    @Test func neighbouringTilesOverlapByAtLeastTheOverlap() {
        let plan = TilePlan(width: 1000, height: 500, tileSize: 128, overlap: 32)
        for axis in [plan.xs, plan.ys] {
            #expect(axis.first == -16)  // margin = overlap / 2 of reflected context
            for (a, b) in zip(axis, axis.dropFirst()) { #expect(b - a <= 128 - 32 && b > a) }
        }
        #expect(plan.xs.last! + 128 == 1000 + 16)
    }

    @Test func reflection() {
        #expect((-3...7).map { reflectIndex($0, length: 4) } == [3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1])
        #expect(reflectIndex(-500, length: 1) == 0)
        #expect(reflectIndex(1_000, length: 3) == 0)
    }

    @Test func blendWindowIsPositiveSymmetricAndFlatInside() {
        let window = BlendWindow(size: 128, overlap: 32)
        #expect(window.ramp.allSatisfy { $0 > 0 && $0 <= 1 })
        #expect(window.ramp == window.ramp.reversed())
        #expect(window.ramp[32...95].allSatisfy { $0 == 1 })
    }
}

@Suite struct TiledProcessorTests {
    func image(width: Int, height: Int, channels: Int) -> PlanarImage {
        PlanarImage(width: width, height: height, channels: channels,
                    pixels: (0..<(width * height * channels)).map { Float(($0 * 7919) % 1009) / 1009 })
    }

    /// A position-independent (pointwise) operator gives the same result tiled as untiled:
    /// the blending weights of every pixel sum to 1. Tolerance: float rounding of the weighted mean.
    @Test(arguments: [(1, 1, 1), (7, 5, 3), (128, 128, 3), (300, 190, 3), (515, 129, 1)])
    func tiledPointwiseEqualsUntiled(width: Int, height: Int, channels: Int) {
        let input = image(width: width, height: height, channels: channels)
        let processor = TiledProcessor(tileSize: 64, overlap: 16, threads: 2)
        let plane = 64 * 64
        let out = processor.run(input, outChannels: channels) { _, x, y in
            for i in 0..<(channels * plane) { y[i] = sin(3 * x[i]) + x[i] * x[i] }
        }
        let expected = input.pixels.map { sin(3 * $0) + $0 * $0 }
        let error = zip(out.pixels, expected).map { abs($0 - $1) }.max()!
        #expect(error <= 1e-5, "max abs error \(error)")
    }

    /// A band source over an image in memory that checks the rows arrive in order, each once.
    struct PlanarSource: BandSource {
        let image: PlanarImage
        var next = 0
        var width: Int { image.width }
        var height: Int { image.height }
        var channels: Int { image.channels }
        mutating func read(rows: Range<Int>, into band: UnsafeMutablePointer<Float>) throws {
            precondition(rows.lowerBound == next && !rows.isEmpty, "rows \(rows) out of order (next \(next))")
            next = rows.upperBound
            for c in 0..<channels {
                for (r, y) in rows.enumerated() {
                    for x in 0..<width { band[(c * rows.count + r) * width + x] = image[c, y, x] }
                }
            }
        }
    }

    struct PlanarSink: BandSink {
        var image: PlanarImage
        var next = 0
        mutating func write(rows: Range<Int>, from band: UnsafePointer<Float>) throws {
            precondition(rows.lowerBound == next && !rows.isEmpty, "rows \(rows) out of order (next \(next))")
            next = rows.upperBound
            for c in 0..<image.channels {
                for (r, y) in rows.enumerated() {
                    for x in 0..<image.width { image[c, y, x] = band[(c * rows.count + r) * image.width + x] }
                }
            }
        }
    }

    /// The banded run (rows in, rows out) gives exactly the whole-image run's result (tolerance 0: the
    /// same sums in the same order), for a transform whose output depends on the position in the tile,
    /// so every blend weight matters; also tall images and channel changes.
    @Test(arguments: [(1, 1, 1, 1), (7, 5, 3, 3), (128, 128, 3, 3), (300, 190, 3, 3), (515, 129, 1, 3),
                      (90, 700, 3, 1), (64, 64, 3, 3), (65, 200, 1, 1)])
    func bandedEqualsWholeImage(width: Int, height: Int, inChannels: Int, outChannels: Int) throws {
        let input = image(width: width, height: height, channels: inChannels)
        let processor = TiledProcessor(tileSize: 64, overlap: 16, threads: 2, batchSize: 3)
        let plane = 64 * 64
        let transform: TiledProcessor.Transform = { _, x, y in
            for c in 0..<outChannels {
                for i in 0..<plane { y[c * plane + i] = sin(3 * x[(c % inChannels) * plane + i]) + Float(i % 61) / 97 }
            }
        }
        let whole = processor.run(input, outChannels: outChannels, transform: transform)
        var source = PlanarSource(image: input)
        var sink = PlanarSink(image: PlanarImage(width: width, height: height, channels: outChannels))
        try processor.runBanded(&source, into: &sink, outChannels: outChannels, transform: transform)
        #expect(source.next == height && sink.next == height, "every row read and written once")
        #expect(sink.image.pixels == whole.pixels)
    }

    @Test func progressReportsEveryTile() {
        let input = image(width: 200, height: 100, channels: 1)
        let processor = TiledProcessor(tileSize: 32, overlap: 8, threads: 2, batchSize: 3)
        var reports: [Int] = []
        _ = processor.run(input, outChannels: 1, progress: { done, _ in reports.append(done) }) { _, x, y in
            y.update(from: x, count: 32 * 32)
        }
        let total = TilePlan(width: 200, height: 100, tileSize: 32, overlap: 8).count
        #expect(reports.last == total && reports == reports.sorted())
    }
}

@Suite struct SquareSymmetryTests {
    /// On a 3x3 tile holding 0...8 (row-major): the maps that define the bit meanings.
    @Test func knownMaps() {
        #expect(SquareSymmetry(0).sourceIndices(size: 3) == Array(0..<9))
        #expect(SquareSymmetry(1).sourceIndices(size: 3) == [2, 1, 0, 5, 4, 3, 8, 7, 6])  // columns flipped
        #expect(SquareSymmetry(2).sourceIndices(size: 3) == [6, 7, 8, 3, 4, 5, 0, 1, 2])  // rows flipped
        #expect(SquareSymmetry(4).sourceIndices(size: 3) == [0, 3, 6, 1, 4, 7, 2, 5, 8])  // transposed
        #expect(SquareSymmetry(6).sourceIndices(size: 3) == [6, 3, 0, 7, 4, 1, 8, 5, 2])  // a clockwise quarter turn
    }

    /// The 8 maps are 8 different permutations of the pixels (so scattering back through a map inverts it).
    @Test func eightDistinctPermutations() {
        let maps = SquareSymmetry.all.map { $0.sourceIndices(size: 5) }
        for map in maps { #expect(map.sorted() == Array(0..<25)) }
        #expect(Set(maps).count == 8)
    }
}
