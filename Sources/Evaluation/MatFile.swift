import Foundation

/// One variable of a MAT-file: a numeric array's real part as stored (little-endian bytes,
/// column-major: the first index varies fastest, as in MATLAB).
public struct MatArray: Sendable {
    public let name: String
    public let matlabClass: MatClass
    public let dimensions: [Int]
    public let isComplex: Bool
    /// miINT8 ... miUINT64 / miSINGLE / miDOUBLE code of the stored real part (0 for non-numeric classes).
    public let dataType: UInt32
    public let realPart: [UInt8]

    public var elementCount: Int { dimensions.reduce(1, *) }

    /// "uint8 [256][256][3]", for messages.
    public var summary: String { "\(matlabClass) " + dimensions.map { "[\($0)]" }.joined() }
}

/// MATLAB array classes (mxCLASS IDs of the MAT-file format).
public enum MatClass: UInt8, Sendable, CustomStringConvertible {
    case cell = 1, structure, object, char, sparse, double, single, int8, uint8, int16, uint16, int32, uint32, int64, uint64
    case function = 16, opaque = 17

    public var description: String {
        switch self {
        case .cell: "cell"
        case .structure: "struct"
        case .object: "object"
        case .char: "char"
        case .sparse: "sparse"
        case .double: "double"
        case .single: "single"
        case .int8: "int8"
        case .uint8: "uint8"
        case .int16: "int16"
        case .uint16: "uint16"
        case .int32: "int32"
        case .uint32: "uint32"
        case .int64: "int64"
        case .uint64: "uint64"
        case .function: "function handle"
        case .opaque: "opaque"
        }
    }
}

/// Reader for MATLAB Level 5 MAT-files (what `save` writes up to -v7, and scipy.io.savemat):
/// a 128-byte header, then tagged data elements. Each variable is an miMATRIX element, or an
/// miCOMPRESSED element whose zlib stream holds one. Only little-endian files (every platform MATLAB
/// runs on today); numeric arrays keep their real part, other classes are listed without data.
/// Format: "MAT-File Format", The MathWorks, sections 1-1 to 1-28.
public enum MatFile {
    // Data types (miXXX) used here.
    static let miINT8: UInt32 = 1, miUINT8: UInt32 = 2, miINT32: UInt32 = 5, miUINT32: UInt32 = 6
    static let miMATRIX: UInt32 = 14, miCOMPRESSED: UInt32 = 15

    /// Bytes per element of each numeric data type.
    static let elementSizes: [UInt32: Int] = [1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8]

    /// Reads every variable in `path`. `maxBytes` caps what one compressed element may inflate to.
    public static func read(path: String, maxBytes: Int = 16 << 30) throws -> [MatArray] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EvaluationError(path, "no such file")
        }
        guard !isDirectory.boolValue else { throw EvaluationError(path, "is a directory, not a file") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw EvaluationError(path, "cannot read the file")
        }
        return try data.withUnsafeBytes { try parse($0, file: path, maxBytes: maxBytes) }
    }

    /// Parses a whole MAT-file held in memory; `file` only names it in errors.
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String, maxBytes: Int = 16 << 30) throws -> [MatArray] {
        guard bytes.count >= 128 else { throw EvaluationError(file, "not a MAT-file (shorter than its 128-byte header)") }
        let text = String(decoding: bytes[0..<116], as: UTF8.self)
        if text.hasPrefix("MATLAB 7.3") {
            throw EvaluationError(file, "MATLAB v7.3 (HDF5) MAT-files are not supported; save it with -v7")
        }
        guard text.hasPrefix("MATLAB 5.0") else { throw EvaluationError(file, "not a MATLAB 5 MAT-file (header text missing)") }
        switch (bytes[126], bytes[127]) {
        case (UInt8(ascii: "I"), UInt8(ascii: "M")): break
        case (UInt8(ascii: "M"), UInt8(ascii: "I")): throw EvaluationError(file, "big-endian MAT-files are not supported")
        default: throw EvaluationError(file, "not a MAT-file (bad endian indicator)")
        }
        var arrays: [MatArray] = []
        var reader = ElementReader(bytes: bytes, position: 128, file: file)
        while reader.remaining >= 8 {
            let element = try reader.next()
            switch element.type {
            case miMATRIX:
                arrays.append(try matrix(bytes[element.range], file: file))
            case miCOMPRESSED:
                let inflated = try zlibInflate(UnsafeRawBufferPointer(rebasing: bytes[element.range]), limit: maxBytes, file: file)
                try inflated.withUnsafeBytes { inner in
                    var innerReader = ElementReader(bytes: inner, position: 0, file: file)
                    while innerReader.remaining >= 8 {
                        let e = try innerReader.next()
                        if e.type == miMATRIX { arrays.append(try matrix(inner[e.range], file: file)) }
                    }
                }
            default:
                continue  // nothing else is a variable
            }
        }
        return arrays
    }

    /// The body of an miMATRIX element: array flags, dimensions, name, then the real part.
    static func matrix(_ body: Slice<UnsafeRawBufferPointer>, file: String) throws -> MatArray {
        let bytes = UnsafeRawBufferPointer(rebasing: body)
        var reader = ElementReader(bytes: bytes, position: 0, file: file)
        if bytes.isEmpty {  // an empty array ([]) may be written as a bare tag
            return MatArray(name: "", matlabClass: .double, dimensions: [0, 0], isComplex: false, dataType: 0, realPart: [])
        }
        let flags = try reader.next()
        guard flags.type == miUINT32, flags.range.count >= 8 else { throw EvaluationError(file, "corrupt array flags") }
        let flagWord = bytes.loadUnaligned(fromByteOffset: flags.range.lowerBound, as: UInt32.self).littleEndian
        guard let matlabClass = MatClass(rawValue: UInt8(flagWord & 0xFF)) else {
            throw EvaluationError(file, "unknown MATLAB array class \(flagWord & 0xFF)")
        }
        let isComplex = flagWord & 0x0800 != 0

        let dims = try reader.next()
        guard dims.type == miINT32, dims.range.count % 4 == 0, dims.range.count >= 8 else {
            throw EvaluationError(file, "corrupt array dimensions")
        }
        let dimensions = stride(from: dims.range.lowerBound, to: dims.range.upperBound, by: 4).map {
            Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0, as: Int32.self)))
        }
        guard dimensions.allSatisfy({ $0 >= 0 }) else { throw EvaluationError(file, "negative array dimension \(dimensions)") }

        let nameElement = try reader.next()
        guard nameElement.type == miINT8 else { throw EvaluationError(file, "corrupt array name") }
        let name = String(decoding: bytes[nameElement.range], as: UTF8.self)

        let numeric: [MatClass] = [.double, .single, .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64]
        guard numeric.contains(matlabClass) else {  // cell, struct, char, sparse...: listed, not decoded
            return MatArray(name: name, matlabClass: matlabClass, dimensions: dimensions, isComplex: isComplex, dataType: 0, realPart: [])
        }
        let (count, overflow) = dimensions.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: d)
            return (p, acc.1 || o)
        }
        let real = try reader.next()
        guard !overflow, let size = elementSizes[real.type] else {
            throw EvaluationError(file, "variable '\(name)': unsupported data type \(real.type)")
        }
        let (byteCount, tooBig) = count.multipliedReportingOverflow(by: size)  // dimensions are untrusted
        guard !tooBig, real.range.count == byteCount else {
            throw EvaluationError(file, "variable '\(name)': \(real.range.count) data bytes do not fill \(dimensions.map { "[\($0)]" }.joined())")
        }
        return MatArray(name: name, matlabClass: matlabClass, dimensions: dimensions, isComplex: isComplex,
                        dataType: real.type, realPart: [UInt8](bytes[real.range]))
    }
}

/// Walks tagged data elements. A tag is 8 bytes (type, byte count) followed by the data padded to 8
/// bytes; a "small" element packs a count of 1-4 bytes into the tag's upper half and its data into
/// the tag's second word. Compressed elements are not padded.
struct ElementReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int
    let file: String

    var remaining: Int { bytes.count - position }

    mutating func next() throws -> (type: UInt32, range: Range<Int>) {
        guard remaining >= 8 else { throw EvaluationError(file, "truncated data element at byte \(position)") }
        let first = bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian
        if first >> 16 != 0 {
            let type = first & 0xFFFF, count = Int(first >> 16)
            guard count <= 4 else { throw EvaluationError(file, "corrupt small data element at byte \(position)") }
            defer { position += 8 }
            return (type, (position + 4)..<(position + 4 + count))
        }
        let count = Int(bytes.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self).littleEndian)
        let start = position + 8
        guard count <= bytes.count - start else {
            throw EvaluationError(file, "truncated: an element at byte \(position) needs \(count) bytes, \(bytes.count - start) remain")
        }
        position = first == MatFile.miCOMPRESSED ? start + count : min(bytes.count, start + (count + 7) / 8 * 8)
        return (first, start..<(start + count))
    }
}
