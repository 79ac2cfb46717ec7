import Imaging

/// The RGB blocks of a SIDD-style uint8 array: [rows][cols][H][W][3] as in ValidationNoisyBlocksSrgb.mat
/// ([40][32][256][256][3]), [n][H][W][3] (one row of n blocks) or a single [H][W][3] block.
/// MATLAB stores the array column-major (first index fastest), so sample (i, j, y, x, c) sits at
/// i + rows * (j + cols * (y + H * (x + W * c))).
public struct MatImageBlocks: Sendable {
    public let rows: Int
    public let cols: Int
    public let height: Int
    public let width: Int
    private let samples: [UInt8]

    public init(_ array: MatArray, file: String) throws {
        guard array.matlabClass == .uint8, array.dataType == MatFile.miUINT8, !array.isComplex else {
            throw EvaluationError(file, "variable '\(array.name)' is \(array.isComplex ? "complex " : "")\(array.summary); expected uint8 image blocks")
        }
        let d = array.dimensions
        guard (3...5).contains(d.count), d.last == 3, d.allSatisfy({ $0 > 0 }) else {
            throw EvaluationError(file, "variable '\(array.name)' has shape \(d.map { "[\($0)]" }.joined()); expected [rows][cols][H][W][3], [n][H][W][3] or [H][W][3]")
        }
        let lead = Array(d.dropLast(3))
        rows = lead.count == 2 ? lead[0] : 1
        cols = lead.last ?? 1
        (height, width) = (d[d.count - 3], d[d.count - 2])
        samples = array.realPart
    }

    /// Reads the single image variable of `path` (the first numeric one if there are several).
    public init(path: String) throws {
        let arrays = try MatFile.read(path: path)
        guard let array = arrays.first(where: { $0.dataType != 0 }) ?? arrays.first else {
            throw EvaluationError(path, "holds no variables")
        }
        try self.init(array, file: path)
    }

    public var count: Int { rows * cols }

    /// Block names in row-major order of the leading indices ("0000-0000", "0000-0001", ...).
    public var names: [String] { (0..<count).map { Self.name(row: $0 / cols, col: $0 % cols) } }

    /// "RRRR-CCCC": the block's two leading indices, zero-padded (SIDD's block numbering, 0-based).
    public static func name(row: Int, col: Int) -> String {
        func pad(_ v: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, 4 - s.count)) + s }
        return pad(row) + "-" + pad(col)
    }

    /// Block (row, col) as an 8-bit RGB image (interleaved, row-major).
    public func block(row: Int, col: Int) -> StoredImage {
        precondition(row >= 0 && row < rows && col >= 0 && col < cols)
        let base = row + rows * col, stride = rows * cols
        var out = [UInt16](repeating: 0, count: height * width * 3)
        for c in 0..<3 {
            for x in 0..<width {
                let column = base + stride * height * (x + width * c)
                for y in 0..<height {
                    out[(y * width + x) * 3 + c] = UInt16(samples[column + stride * y])
                }
            }
        }
        return StoredImage(width: width, height: height, layout: PixelLayout(channels: .rgb, bitDepth: 8), samples: out)
    }

    public func block(index: Int) -> StoredImage { block(row: index / cols, col: index % cols) }

    /// Noisy and clean files must hold the same blocks at the same size.
    public static func checkPair(noisy: MatImageBlocks, clean: MatImageBlocks, noisyMat: String, cleanMat: String) throws {
        guard (noisy.rows, noisy.cols, noisy.height, noisy.width) == (clean.rows, clean.cols, clean.height, clean.width) else {
            throw EvaluationError(cleanMat, "holds \(clean.rows)x\(clean.cols) blocks of \(clean.width)x\(clean.height), "
                                  + "but \(noisyMat) holds \(noisy.rows)x\(noisy.cols) of \(noisy.width)x\(noisy.height)")
        }
    }
}
