/// The 8 symmetries of a square tile (the dihedral group D4: 4 rotations, each with or without a
/// mirror), as index maps for geometric self-ensemble: run the model on every transformed tile, map each
/// result back and average. Symmetry `index` (0..<8) reads pixel (y, x) of the transformed tile from
/// (x, y) if bit 2 is set, with that row mirrored if bit 1 is set and that column if bit 0 is set;
/// index 0 is the identity, 6 a clockwise quarter turn.
public struct SquareSymmetry: Sendable, Equatable {
    public static let all = (0..<8).map(SquareSymmetry.init)

    public let index: Int

    public init(_ index: Int) {
        precondition((0..<8).contains(index), "a square has 8 symmetries")
        self.index = index
    }

    /// (size * size) row-major: transformed[p] = tile[source[p]]. The same map scatters a result back:
    /// original[source[p]] = result[p], because the map is a bijection of the pixel positions.
    public func sourceIndices(size: Int) -> [Int] {
        let transpose = index & 4 != 0, flipRows = index & 2 != 0, flipColumns = index & 1 != 0
        var source = [Int](repeating: 0, count: size * size)
        for y in 0..<size {
            for x in 0..<size {
                var (sy, sx) = transpose ? (x, y) : (y, x)
                if flipRows { sy = size - 1 - sy }
                if flipColumns { sx = size - 1 - sx }
                source[y * size + x] = sy * size + sx
            }
        }
        return source
    }
}
