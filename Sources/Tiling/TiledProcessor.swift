import Dispatch
import Foundation
import Imaging

/// Runs a per-tile transform over a whole image: extracts reflected tiles, lets worker threads
/// transform them a batch at a time, and blends the results. Peak memory is the image, the output
/// accumulator and one batch of tiles, whatever the image size.
public struct TiledProcessor: Sendable {
    public let tileSize: Int
    public let overlap: Int
    public let threads: Int
    /// Tiles transformed per batch (at least `threads`).
    public let batchSize: Int

    public init(tileSize: Int = TilePlan.defaultTileSize, overlap: Int = TilePlan.defaultOverlap, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                batchSize: Int? = nil) {
        (self.tileSize, self.overlap, self.threads) = (tileSize, overlap, max(1, threads))
        self.batchSize = max(batchSize ?? 2 * max(1, threads), max(1, threads))
    }

    /// A tile transform: (worker index, input (inChannels, T, T) planar, output (outChannels, T, T) planar).
    /// Called concurrently from `threads` workers, each with its own index in 0..<threads.
    public typealias Transform = @Sendable (_ worker: Int, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) -> Void

    /// Transforms `image` tile by tile into an image with `outChannels` planes.
    /// `progress(done, total)` is called on the calling thread after each batch.
    public func run(_ image: PlanarImage, outChannels: Int, progress: ((Int, Int) -> Void)? = nil,
                    transform: Transform) -> PlanarImage {
        run(stack: [image], outChannels: outChannels, progress: progress, transform: transform)
    }

    /// `run` over a stack of images of one size (the frames of a temporal window): each tile's input holds
    /// the planes of every image in stack order, (sum of channels, T, T), without copying the stack into
    /// one image.
    public func run(stack: [PlanarImage], outChannels: Int, progress: ((Int, Int) -> Void)? = nil,
                    transform: Transform) -> PlanarImage {
        let first = stack[0]
        precondition(stack.allSatisfy { $0.width == first.width && $0.height == first.height }, "stacked images differ in size")
        let plan = TilePlan(width: first.width, height: first.height, tileSize: tileSize, overlap: overlap)
        let window = BlendWindow(size: tileSize, overlap: overlap)
        let t = tileSize, inSize = stack.reduce(0) { $0 + $1.channels } * t * t, outSize = outChannels * t * t
        var accumulator = PlanarImage(width: first.width, height: first.height, channels: outChannels)
        var weightSum = [Float](repeating: 0, count: first.planeCount)
        let inputs = UnsafeMutablePointer<Float>.allocate(capacity: batchSize * inSize)
        let outputs = UnsafeMutablePointer<Float>.allocate(capacity: batchSize * outSize)
        defer { inputs.deallocate(); outputs.deallocate() }

        for batchStart in stride(from: 0, to: plan.count, by: batchSize) {
            let batch = min(batchSize, plan.count - batchStart)
            for b in 0..<batch {
                var tile = inputs + b * inSize
                for image in stack {
                    extractTile(image, plan.origin(batchStart + b), into: tile)
                    tile += image.channels * t * t
                }
            }
            let next = WorkCounter()
            let (inputsAddress, outputsAddress) = (UInt(bitPattern: inputs), UInt(bitPattern: outputs))
            DispatchQueue.concurrentPerform(iterations: min(threads, batch)) { worker in
                let ins = UnsafeMutablePointer<Float>(bitPattern: inputsAddress)!
                let outs = UnsafeMutablePointer<Float>(bitPattern: outputsAddress)!
                while let b = next.take(below: batch) {
                    transform(worker, ins + b * inSize, outs + b * outSize)
                }
            }
            for b in 0..<batch {
                accumulate(outputs + b * outSize, at: plan.origin(batchStart + b), window: window,
                           into: &accumulator, weights: &weightSum)
            }
            progress?(batchStart + batch, plan.count)
        }
        let n = first.planeCount
        for c in 0..<outChannels {
            for p in 0..<n { accumulator.pixels[c * n + p] /= weightSum[p] }
        }
        return accumulator
    }

    /// Copies the tile at `origin` into `tile` (channels, T, T), reflecting outside the image.
    func extractTile(_ image: PlanarImage, _ origin: (x: Int, y: Int), into tile: UnsafeMutablePointer<Float>) {
        let t = tileSize, (w, h) = (image.width, image.height)
        let columns = (0..<t).map { reflectIndex(origin.x + $0, length: w) }
        image.pixels.withUnsafeBufferPointer { pixels in
            for c in 0..<image.channels {
                for ty in 0..<t {
                    let row = pixels.baseAddress! + (c * h + reflectIndex(origin.y + ty, length: h)) * w
                    let dst = tile + (c * t + ty) * t
                    for tx in 0..<t { dst[tx] = row[columns[tx]] }
                }
            }
        }
    }

    /// Adds weight * tile to the image pixels the tile covers (pixels outside the image are dropped).
    func accumulate(_ tile: UnsafePointer<Float>, at origin: (x: Int, y: Int), window: BlendWindow,
                    into image: inout PlanarImage, weights: inout [Float]) {
        let t = tileSize, (w, h) = (image.width, image.height)
        let y0 = max(0, origin.y), y1 = min(h, origin.y + t), x0 = max(0, origin.x), x1 = min(w, origin.x + t)
        guard y0 < y1, x0 < x1 else { return }
        let channels = image.channels
        image.pixels.withUnsafeMutableBufferPointer { pixels in
            for y in y0..<y1 {
                let ty = y - origin.y, wy = window.ramp[ty]
                for x in x0..<x1 {
                    let tx = x - origin.x, weight = wy * window.ramp[tx]
                    weights[y * w + x] += weight
                    for c in 0..<channels {
                        pixels[(c * h + y) * w + x] += weight * tile[(c * t + ty) * t + tx]
                    }
                }
            }
        }
    }
}

/// Hands out 0, 1, 2, ... to concurrent workers (tiles here, tile batches in the benchmark).
public final class WorkCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    public init() {}

    /// The next unit of work, or nil once `limit` have been handed out.
    public func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
