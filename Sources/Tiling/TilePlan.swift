/// Where the square windows of a tiled run sit on an image.
///
/// The image is extended by `margin` = overlap/2 pixels of reflection on every side, so border pixels
/// get context too, and covered by tiles of `tileSize` that overlap by at least `overlap`; the last tile
/// of a row or column is shifted back to end at the extended edge. Images smaller than a tile get one
/// tile, filled by reflection. Pure geometry: no pixels here.
public struct TilePlan: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let tileSize: Int
    public let overlap: Int
    /// Top-left corners in image coordinates (may be negative or run past the image: reflected there).
    public let xs: [Int]
    public let ys: [Int]

    /// 128x128 = 16K tokens per tile, the size the models are trained on.
    public static let defaultTileSize = 128
    /// Scripts/seam_study.py (10 DAVIS frames, sigma 25, `quality`), against an untiled run: at 8 the whole
    /// picture scores -0.005 dB and the bands where tiles meet +0.019 dB (blending averages two
    /// predictions); at 4 the bands lose 0.057 dB (6 frames); 16 is 0.005 dB better on the whole picture
    /// for 14% more tiles on large images (docs/design.md, section 8: Tiling).
    public static let defaultOverlap = 8

    public init(width: Int, height: Int, tileSize: Int = TilePlan.defaultTileSize, overlap: Int = TilePlan.defaultOverlap) {
        precondition(width > 0 && height > 0, "empty image")
        precondition(tileSize > 0 && overlap >= 0 && overlap < tileSize, "overlap must be below the tile size")
        (self.width, self.height, self.tileSize, self.overlap) = (width, height, tileSize, overlap)
        xs = Self.positions(length: width, tile: tileSize, overlap: overlap)
        ys = Self.positions(length: height, tile: tileSize, overlap: overlap)
    }

    public var margin: Int { overlap / 2 }
    public var count: Int { xs.count * ys.count }

    /// Top-left corner of tile `index` (row-major over the grid).
    public func origin(_ index: Int) -> (x: Int, y: Int) { (xs[index % xs.count], ys[index / xs.count]) }

    static func positions(length: Int, tile: Int, overlap: Int) -> [Int] {
        let margin = overlap / 2, start = -margin, end = length + margin
        guard end - start > tile else { return [start] }
        let stride = tile - overlap
        var result = Array(Swift.stride(from: start, to: end - tile, by: stride))
        result.append(end - tile)
        return result
    }
}

/// Index into 0..<length by mirror reflection about the edges (no edge repeat, numpy's "reflect"),
/// for any distance outside; a length-1 axis always gives 0.
@inlinable
public func reflectIndex(_ i: Int, length: Int) -> Int {
    guard length > 1 else { return 0 }
    let period = 2 * (length - 1)
    var r = i % period
    if r < 0 { r += period }
    return r < length ? r : period - r
}
