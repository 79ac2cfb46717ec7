import Dispatch
import Imaging

/// Block motion compensation for temporal models whose config asks for it (`alignment: block`): every
/// neighbour frame of a window is warped onto the centre frame before the model sees it, so the model
/// fuses frames that line up. The twin of `Scripts/motion.py`, which prepares the training windows; both
/// follow the same rules (docs/design.md, section 9), and a test checks this one against the Python
/// reference's output on a fixture.
///
/// Per neighbour, on luma (the mean of the three planes):
/// 1. coarse search at half resolution (2x2 box means): for each block of `block`/2 half-res pixels, the
///    integer shift within +-`radius` with the lowest mean absolute difference plus `penalty` per pixel of
///    shift, tried dy-major from -radius, a later shift winning only with a strictly lower cost; reads
///    beyond the frame take the nearest edge pixel;
/// 2. refinement at full resolution: the best of the doubled coarse shift's 3x3 neighbours (penalty in
///    half-res units);
/// 3. warp: each pixel of a block takes the neighbour's pixel at its position plus the block's shift,
///    clamped to the frame.
public enum BlockMatcher {
    public static let block = 16      // full-resolution block side
    public static let radius = 8      // coarse search radius, half-resolution pixels
    public static let penalty = 0.002 // cost per half-res pixel of shift (mean absolute luma difference, [0, 1])

    public struct Shift: Equatable, Sendable {
        public var dy: Int, dx: Int
    }

    /// One plane of floats, row-major (height, width).
    struct Plane {
        let width: Int, height: Int
        var values: [Float]
    }

    /// The window with every frame but the centre warped onto the centre frame (frames of one size). The
    /// neighbours are matched in parallel on up to `threads` threads.
    public static func align(window: [PlanarImage], threads: Int = 1) -> [PlanarImage] {
        let centreIndex = window.count / 2
        let centre = luma(window[centreIndex])
        let others = window.indices.filter { $0 != centreIndex }
        let warped = UnsafeMutableBufferPointer<PlanarImage>.allocate(capacity: others.count)
        defer { warped.deallocate() }
        let matchOne = { (k: Int) in
            let frame = window[others[k]]
            (warped.baseAddress! + k).initialize(to: warp(frame, shifts: shifts(centre: centre, neighbour: luma(frame))))
        }
        if threads > 1 {
            DispatchQueue.concurrentPerform(iterations: others.count, execute: matchOne)
        } else {
            others.indices.forEach(matchOne)
        }
        var result = window
        for (k, i) in others.enumerated() { result[i] = (warped.baseAddress! + k).move() }
        return result
    }

    /// Mean of the planes (1 or 3), row-major.
    static func luma(_ frame: PlanarImage) -> Plane {
        let n = frame.planeCount
        if frame.channels == 1 { return Plane(width: frame.width, height: frame.height, values: frame.pixels) }
        let p = frame.pixels
        return Plane(width: frame.width, height: frame.height, values: (0..<n).map { (p[$0] + p[n + $0] + p[2 * n + $0]) / 3 })
    }

    /// 2x2 box means, (ceil(h/2), ceil(w/2)); an odd last row or column is repeated.
    static func halfResolution(_ plane: Plane) -> Plane {
        let (w, h) = (plane.width, plane.height)
        let (hw, hh) = ((w + 1) / 2, (h + 1) / 2)
        var out = [Float](repeating: 0, count: hw * hh)
        plane.values.withUnsafeBufferPointer { v in
            for y in 0..<hh {
                let y0 = 2 * y, y1 = min(2 * y + 1, h - 1)
                for x in 0..<hw {
                    let x0 = 2 * x, x1 = min(2 * x + 1, w - 1)
                    out[y * hw + x] = (v[y0 * w + x0] + v[y1 * w + x0] + v[y0 * w + x1] + v[y1 * w + x1]) * 0.25
                }
            }
        }
        return Plane(width: hw, height: hh, values: out)
    }

    /// Full-resolution shift of each block, (ceil(h/block) * ceil(w/block)) row-major.
    static func shifts(centre: Plane, neighbour: Plane) -> [Shift] {
        let (w, h) = (centre.width, centre.height)
        let (blocksX, blocksY) = ((w + block - 1) / block, (h + block - 1) / block)
        let coarse = coarseShifts(centre: halfResolution(centre), neighbour: halfResolution(neighbour),
                                  blocksX: blocksX, blocksY: blocksY)
        var best = [Double](repeating: .infinity, count: coarse.count)
        var fine = coarse.map { Shift(dy: 2 * $0.dy, dx: 2 * $0.dx) }
        let base = fine
        for ry in -1...1 {
            for rx in -1...1 {
                let candidate = base.map { Shift(dy: $0.dy + ry, dx: $0.dx + rx) }
                let cost = blockMeanDifference(centre, warp(neighbour, shifts: candidate), blockSide: block)
                for i in cost.indices {
                    let c = cost[i] + penalty * 0.5 * Double(abs(candidate[i].dy) + abs(candidate[i].dx))
                    if c < best[i] { (best[i], fine[i]) = (c, candidate[i]) }
                }
            }
        }
        return fine
    }

    /// Coarse search on half-resolution planes; shifts in half-res pixels, one per block.
    static func coarseShifts(centre: Plane, neighbour: Plane, blocksX: Int, blocksY: Int) -> [Shift] {
        let (w, h, b, r) = (centre.width, centre.height, block / 2, radius)
        // The neighbour padded by `radius` with its edge pixels: a shifted read is a plain offset.
        let pw = w + 2 * r
        var padded = [Float](repeating: 0, count: pw * (h + 2 * r))
        for y in 0..<(h + 2 * r) {
            let sy = min(max(y - r, 0), h - 1)
            for x in 0..<pw { padded[y * pw + x] = neighbour.values[sy * w + min(max(x - r, 0), w - 1)] }
        }
        let counts = (0..<blocksX * blocksY).map { Double(blockArea($0, blocksX: blocksX, side: b, width: w, height: h)) }
        var best = [Double](repeating: .infinity, count: blocksX * blocksY)
        var found = [Shift](repeating: Shift(dy: 0, dx: 0), count: blocksX * blocksY)
        var sums = [Double](repeating: 0, count: blocksX * blocksY)
        // Per column, the absolute differences summed down one row of blocks (a loop over whole rows, which
        // vectorises), then each block's columns summed once per row of blocks.
        var columns = [Float](repeating: 0, count: w)
        centre.values.withUnsafeBufferPointer { c in
            padded.withUnsafeBufferPointer { p in
                columns.withUnsafeMutableBufferPointer { column in
                    for dy in -r...r {
                        for dx in -r...r {
                            for i in sums.indices { sums[i] = 0 }
                            for y0 in stride(from: 0, to: h, by: b) {
                                for x in 0..<w { column[x] = 0 }
                                for y in y0..<min(y0 + b, h) {
                                    let (centreRow, source) = (c.baseAddress! + y * w, p.baseAddress! + (y + r + dy) * pw + r + dx)
                                    for x in 0..<w { column[x] += abs(centreRow[x] - source[x]) }
                                }
                                let row = (y0 / b) * blocksX
                                var x = 0
                                while x < w {
                                    let end = min(x + b, w)
                                    var s: Float = 0
                                    for k in x..<end { s += column[k] }
                                    sums[row + x / b] += Double(s)
                                    x = end
                                }
                            }
                            let shiftCost = penalty * Double(abs(dy) + abs(dx))
                            for i in sums.indices {
                                let cost = sums[i] / counts[i] + shiftCost
                                if cost < best[i] { (best[i], found[i]) = (cost, Shift(dy: dy, dx: dx)) }
                            }
                        }
                    }
                }
            }
        }
        return found
    }

    /// Mean absolute difference of two planes over each block of `blockSide` (partial blocks: their own pixels).
    static func blockMeanDifference(_ a: Plane, _ b: Plane, blockSide: Int) -> [Double] {
        let (w, h) = (a.width, a.height)
        let blocksX = (w + blockSide - 1) / blockSide, blocksY = (h + blockSide - 1) / blockSide
        var sums = [Double](repeating: 0, count: blocksX * blocksY)
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                for y in 0..<h {
                    let blockRow = (y / blockSide) * blocksX, row = y * w
                    for bx in 0..<blocksX {
                        var sum = 0.0
                        for x in (bx * blockSide)..<min(bx * blockSide + blockSide, w) {
                            sum += Double(abs(pa[row + x] - pb[row + x]))
                        }
                        sums[blockRow + bx] += sum
                    }
                }
            }
        }
        return sums.indices.map { sums[$0] / Double(blockArea($0, blocksX: blocksX, side: blockSide, width: w, height: h)) }
    }

    /// Pixels in block `index` (row-major, `blocksX` a row) of `side` x `side` blocks over a width x height
    /// plane: the last row and column of blocks may be partial.
    static func blockArea(_ index: Int, blocksX: Int, side: Int, width: Int, height: Int) -> Int {
        let (by, bx) = index.quotientAndRemainder(dividingBy: blocksX)
        return min(side, height - by * side) * min(side, width - bx * side)
    }

    /// `plane` with each pixel read at its position plus its block's shift, clamped to the plane.
    static func warp(_ plane: Plane, shifts: [Shift]) -> Plane {
        let frame = warp(PlanarImage(width: plane.width, height: plane.height, channels: 1, pixels: plane.values), shifts: shifts)
        return Plane(width: plane.width, height: plane.height, values: frame.pixels)
    }

    /// Every plane of `frame` warped by the per-block `shifts` ((ceil(h/block) * ceil(w/block)) row-major).
    public static func warp(_ frame: PlanarImage, shifts: [Shift]) -> PlanarImage {
        let (w, h) = (frame.width, frame.height)
        let blocksX = (w + block - 1) / block
        precondition(shifts.count == blocksX * ((h + block - 1) / block), "one shift per block")
        var out = [Float](repeating: 0, count: frame.pixels.count)
        frame.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for c in 0..<frame.channels {
                    let plane = c * w * h
                    for y in 0..<h {
                        let blockRow = (y / block) * blocksX, row = plane + y * w
                        for bx in 0..<blocksX {
                            let s = shifts[blockRow + bx]
                            let source = plane + min(max(y + s.dy, 0), h - 1) * w
                            for x in (bx * block)..<min(bx * block + block, w) {
                                dst[row + x] = src[source + min(max(x + s.dx, 0), w - 1)]
                            }
                        }
                    }
                }
            }
        }
        return PlanarImage(width: w, height: h, channels: frame.channels, pixels: out)
    }
}
