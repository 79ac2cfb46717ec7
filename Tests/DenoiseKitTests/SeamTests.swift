import Foundation
import Imaging
import Metrics
import Testing
@testable import DenoiseKit
import Tiling

/// Tiles at the default overlap leave no seams: the bundled `quality` model over the default 128-px tiles
/// against one tile over the whole picture.
@Suite struct SeamTests {
    /// A seam is a step in the output where two tiles meet. The tiled output minus the untiled one, D, is
    /// small and smooth where blending works; across a seam it jumps. `seamJump` is the mean |D(x+1) - D(x)|
    /// over the 4 steps around every seam line, over its mean everywhere else (rows and columns alike).
    /// Measured on this picture: 0.81 (columns) and 0.83 (rows) at the default overlap of 8, 12.3 and 11.2
    /// for tiles that do not overlap. Bounds: at most 1.5 for the default, at least 3 for overlap 0 (the
    /// control that shows the measure sees a seam).
    static let seamlessJump = 1.5, visibleJump = 3.0
    /// The whole picture may score at most 0.05 dB below the untiled run (Scripts/seam_study.py: -0.005 dB
    /// at overlap 8 on 10 DAVIS frames).
    static let wholeTolerance = 0.05

    @Test func defaultTilingMatchesAnUntiledRun() throws {
        let clean = try Repo.clean("astronaut")  // 256x256
        let noisy = addGaussianNoise(clean, sigma: 25, seed: 11)
        let model = try ModelCatalog.load("quality")
        func run(tile: Int, overlap: Int) throws -> PlanarImage {
            quantized(try Denoiser(model: model, tileSize: tile, overlap: overlap, threads: 2).denoise(noisy, sigma: 25))
        }
        let untiled = try run(tile: 256, overlap: 0)
        let plan = TilePlan(width: clean.width, height: clean.height)
        #expect(plan.overlap == 8 && plan.count > 1, "the default plan must tile this picture")
        let tiled = try run(tile: plan.tileSize, overlap: plan.overlap)
        let hardSeams = try run(tile: 128, overlap: 0)

        #expect(psnr(untiled, clean) - psnr(tiled, clean) <= Self.wholeTolerance,
                "whole picture: tiled \(psnr(tiled, clean)) dB, untiled \(psnr(untiled, clean)) dB")
        let jump = Self.seamJump(tiled, untiled, plan)
        #expect(jump.columns <= Self.seamlessJump && jump.rows <= Self.seamlessJump, "default tiling: \(jump)")
        let control = Self.seamJump(hardSeams, untiled, TilePlan(width: clean.width, height: clean.height, overlap: 0))
        #expect(control.columns >= Self.visibleJump && control.rows >= Self.visibleJump, "tiles without overlap: \(control)")
    }

    /// Seam lines: the centre of every region where two consecutive tiles overlap (or their common edge).
    static func seamLines(_ origins: [Int], tile: Int) -> [Int] {
        zip(origins, origins.dropFirst()).map { a, b in (b + a + tile) / 2 }
    }

    /// (columns, rows): the mean step of D = a - b across the seam lines over its mean step elsewhere.
    static func seamJump(_ a: PlanarImage, _ b: PlanarImage, _ plan: TilePlan) -> (columns: Double, rows: Double) {
        func difference(_ c: Int, _ y: Int, _ x: Int) -> Double { Double(a[c, y, x]) - Double(b[c, y, x]) }
        // step(i) between positions i and i+1 along one axis, averaged over the other axis and channels
        func steps(along length: Int, across other: Int, _ value: (Int, Int, Int) -> Double) -> [Double] {
            (0..<(length - 1)).map { i in
                var sum = 0.0
                for c in 0..<a.channels { for j in 0..<other { sum += abs(value(c, i + 1, j) - value(c, i, j)) } }
                return sum / Double(a.channels * other)
            }
        }
        func ratio(_ steps: [Double], _ lines: [Int]) -> Double {
            let near = steps.indices.map { i in lines.contains { i >= $0 - 2 && i <= $0 + 1 } }
            let inside = steps.indices.filter { near[$0] }.map { steps[$0] }
            let outside = steps.indices.filter { !near[$0] }.map { steps[$0] }
            return (inside.reduce(0, +) / Double(inside.count)) / (outside.reduce(0, +) / Double(outside.count))
        }
        let columnSteps = steps(along: a.width, across: a.height) { c, x, y in difference(c, y, x) }
        let rowSteps = steps(along: a.height, across: a.width) { c, y, x in difference(c, y, x) }
        return (ratio(columnSteps, seamLines(plan.xs, tile: plan.tileSize)), ratio(rowSteps, seamLines(plan.ys, tile: plan.tileSize)))
    }
}
