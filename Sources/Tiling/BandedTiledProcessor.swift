import Dispatch
import Foundation
import Imaging

/// The image a banded run reads: rows arrive top to bottom, each exactly once, as planar float bands.
public protocol BandSource {
    var width: Int { get }
    var height: Int { get }
    var channels: Int { get }
    /// Fills `band` (channels, rows.count, width) with `rows`; calls come in order, 0 first, each range
    /// starting where the previous one ended.
    mutating func read(rows: Range<Int>, into band: UnsafeMutablePointer<Float>) throws
}

/// Where a banded run puts its result: finished rows, top to bottom, each exactly once.
public protocol BandSink {
    /// Takes `rows` of the result from `band` (channels, rows.count, width); calls come in order.
    mutating func write(rows: Range<Int>, from band: UnsafePointer<Float>) throws
}

extension TiledProcessor {
    /// `run` for images that do not sit in memory as float planes: one row of tiles at a time, the
    /// input rows it needs held in a band (kept from the previous tile row where they overlap) and the
    /// blended result handed to `sink` as soon as no later tile can reach it. Memory is about
    /// (in + out + 1) x tileSize rows of the width, whatever the height. Sums the same terms in the
    /// same order as `run`, so the result is bit-identical (tested against it).
    public func runBanded<Source: BandSource, Sink: BandSink>(
        _ source: inout Source, into sink: inout Sink, outChannels: Int,
        progress: ((Int, Int) -> Void)? = nil, transform: Transform) throws {
        let (w, h, inChannels) = (source.width, source.height, source.channels)
        let plan = TilePlan(width: w, height: h, tileSize: tileSize, overlap: overlap)
        let window = BlendWindow(size: tileSize, overlap: overlap)
        let t = tileSize, inSize = inChannels * t * t, outSize = outChannels * t * t
        // Image rows each tile row needs: its window clipped to the image. Reflection stays inside it
        // (the margin is below half the tile), so nothing above or below is ever read twice.
        let rowsNeeded = plan.ys.map { max(0, $0)..<min(h, $0 + t) }
        let bandRows = rowsNeeded.map(\.count).max() ?? 0

        var input = [Float](repeating: 0, count: inChannels * bandRows * w)     // (inChannels, bandRows, w)
        var inputRows = 0..<0
        var accumulator = [Float](repeating: 0, count: outChannels * bandRows * w)  // (outChannels, bandRows, w)
        var weights = [Float](repeating: 0, count: bandRows * w)                  // (bandRows, w)
        var pending = 0..<0  // result rows in the accumulator, not yet handed on
        let inputs = UnsafeMutablePointer<Float>.allocate(capacity: batchSize * inSize)
        let outputs = UnsafeMutablePointer<Float>.allocate(capacity: batchSize * outSize)
        defer { inputs.deallocate(); outputs.deallocate() }
        var done = 0

        for (row, needed) in rowsNeeded.enumerated() {
            // Input: keep the overlap with the previous band, read the rest.
            let kept = max(needed.lowerBound, inputRows.lowerBound)..<inputRows.upperBound
            shiftRows(&input, channels: inChannels, capacity: bandRows, width: w, from: kept.lowerBound - inputRows.lowerBound,
                      count: max(0, kept.count))
            let fresh = max(needed.lowerBound, inputRows.upperBound)..<needed.upperBound
            if !fresh.isEmpty {
                let bandBase = fresh.lowerBound - needed.lowerBound
                if inChannels == 1 {
                    try input.withUnsafeMutableBufferPointer { try source.read(rows: fresh, into: $0.baseAddress! + bandBase * w) }
                } else {
                    // The source fills a contiguous (channels, rows, w) block; spread it into the band's planes.
                    var block = [Float](repeating: 0, count: inChannels * fresh.count * w)
                    try block.withUnsafeMutableBufferPointer { try source.read(rows: fresh, into: $0.baseAddress!) }
                    for c in 0..<inChannels {
                        let src = c * fresh.count * w, dst = (c * bandRows + bandBase) * w
                        input.replaceSubrange(dst..<(dst + fresh.count * w), with: block[src..<(src + fresh.count * w)])
                    }
                }
            }
            inputRows = needed

            // Output: make room for this tile row's rows below the pending ones.
            if pending.isEmpty { pending = needed.lowerBound..<needed.lowerBound }
            let covered = pending.lowerBound..<max(pending.upperBound, needed.upperBound)
            pending = covered

            let xs = plan.xs
            for batchStart in stride(from: 0, to: xs.count, by: batchSize) {
                let batch = min(batchSize, xs.count - batchStart)
                input.withUnsafeBufferPointer { band in
                    for b in 0..<batch {
                        extractTile(band.baseAddress!, channels: inChannels, bandRows: bandRows, firstRow: needed.lowerBound,
                                    width: w, height: h, origin: (xs[batchStart + b], plan.ys[row]), into: inputs + b * inSize)
                    }
                }
                let next = WorkCounter()
                let (inputsAddress, outputsAddress) = (UInt(bitPattern: inputs), UInt(bitPattern: outputs))
                DispatchQueue.concurrentPerform(iterations: min(threads, batch)) { worker in
                    let ins = UnsafeMutablePointer<Float>(bitPattern: inputsAddress)!
                    let outs = UnsafeMutablePointer<Float>(bitPattern: outputsAddress)!
                    while let b = next.take(below: batch) { transform(worker, ins + b * inSize, outs + b * outSize) }
                }
                for b in 0..<batch {
                    accumulate(outputs + b * outSize, channels: outChannels, origin: (xs[batchStart + b], plan.ys[row]),
                               window: window, firstRow: pending.lowerBound, bandRows: bandRows, width: w, height: h,
                               into: &accumulator, weights: &weights)
                }
                done += batch
                progress?(done, plan.count)
            }

            // Rows no later tile row reaches are final: normalise and hand them on.
            let finalEnd = row + 1 < rowsNeeded.count ? rowsNeeded[row + 1].lowerBound : h
            let final = pending.lowerBound..<min(finalEnd, pending.upperBound)
            if !final.isEmpty {
                var block = [Float](repeating: 0, count: outChannels * final.count * w)
                for c in 0..<outChannels {
                    for r in 0..<final.count {
                        for x in 0..<w {
                            let a = (c * bandRows + r) * w + x
                            block[(c * final.count + r) * w + x] = accumulator[a] / weights[r * w + x]
                        }
                    }
                }
                try block.withUnsafeBufferPointer { try sink.write(rows: final, from: $0.baseAddress!) }
                let remaining = pending.upperBound - final.upperBound
                shiftRows(&accumulator, channels: outChannels, capacity: bandRows, width: w, from: final.count, count: remaining)
                shiftRows(&weights, channels: 1, capacity: bandRows, width: w, from: final.count, count: remaining)
                for c in 0..<outChannels {  // the freed rows start from zero again
                    let start = (c * bandRows + remaining) * w
                    accumulator.replaceSubrange(start..<((c + 1) * bandRows * w), with: repeatElement(0, count: (bandRows - remaining) * w))
                }
                weights.replaceSubrange((remaining * w)..<(bandRows * w), with: repeatElement(0, count: (bandRows - remaining) * w))
                pending = final.upperBound..<pending.upperBound
            }
        }
    }

    /// Moves rows [from, from + count) of each channel of a (channels, capacity, width) band to its top.
    private func shiftRows(_ band: inout [Float], channels: Int, capacity: Int, width: Int, from: Int, count: Int) {
        guard from > 0, count > 0 else { return }
        band.withUnsafeMutableBufferPointer { b in
            for c in 0..<channels {
                let base = b.baseAddress! + c * capacity * width
                (base).update(from: base + from * width, count: count * width)  // regions may overlap: memmove
            }
        }
    }

    /// `extractTile` on a band holding image rows firstRow..<(firstRow + bandRows).
    private func extractTile(_ band: UnsafePointer<Float>, channels: Int, bandRows: Int, firstRow: Int, width w: Int,
                             height h: Int, origin: (x: Int, y: Int), into tile: UnsafeMutablePointer<Float>) {
        let t = tileSize
        let columns = (0..<t).map { reflectIndex(origin.x + $0, length: w) }
        for c in 0..<channels {
            for ty in 0..<t {
                let row = band + (c * bandRows + reflectIndex(origin.y + ty, length: h) - firstRow) * w
                let dst = tile + (c * t + ty) * t
                for tx in 0..<t { dst[tx] = row[columns[tx]] }
            }
        }
    }

    /// `accumulate` into bands whose row 0 is image row firstRow.
    private func accumulate(_ tile: UnsafePointer<Float>, channels: Int, origin: (x: Int, y: Int), window: BlendWindow,
                            firstRow: Int, bandRows: Int, width w: Int, height h: Int,
                            into accumulator: inout [Float], weights: inout [Float]) {
        let t = tileSize
        let y0 = max(0, origin.y), y1 = min(h, origin.y + t), x0 = max(0, origin.x), x1 = min(w, origin.x + t)
        guard y0 < y1, x0 < x1 else { return }
        accumulator.withUnsafeMutableBufferPointer { pixels in
            weights.withUnsafeMutableBufferPointer { weights in
                for y in y0..<y1 {
                    let ty = y - origin.y, wy = window.ramp[ty], r = y - firstRow
                    for x in x0..<x1 {
                        let tx = x - origin.x, weight = wy * window.ramp[tx]
                        weights[r * w + x] += weight
                        for c in 0..<channels {
                            pixels[(c * bandRows + r) * w + x] += weight * tile[(c * t + ty) * t + tx]
                        }
                    }
                }
            }
        }
    }
}
