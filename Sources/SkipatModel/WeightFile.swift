import Engine
import Foundation

/// A parsed safetensors file: its tensor table, checked against the data section before any tensor is read.
///
/// Layout: 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets}}
/// plus an optional `__metadata__` string map; then the raw little-endian data. Only F32 is accepted.
/// Nothing in the header is trusted: every size is computed with overflow checks and must fit the bytes
/// actually given, and the data section must be exactly what the tensors span. Callers that read files
/// memory-map them, so a huge or sparse file costs nothing until a checked tensor is copied out.
public struct SafetensorsArchive: Sendable {
    /// Headers above this are treated as corrupt rather than parsed.
    static let maxHeaderBytes = 16 << 20

    struct Entry: Sendable {
        let shape: [Int]
        let range: Range<Int>   // byte range inside the data section
    }

    public let source: String
    public let metadata: [String: String]
    let entries: [String: Entry]
    let bytes: Data      // the whole file
    let dataStart: Int   // offset of the data section in `bytes`

    /// Bytes of an F32 tensor of `shape`, or nil when a dimension is negative or the product overflows.
    static func byteCount(of shape: [Int]) -> Int? {
        var count = 4
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// `source` only names the file in error messages: the engine never opens paths.
    public init(bytes: Data, source: String) throws {
        self.source = source
        func fail(_ problem: String) -> WeightFileError { WeightFileError(file: source, problem: problem) }
        let bytes = bytes.startIndex == 0 ? bytes : Data(bytes)  // indices from 0 (a slice is copied once)
        guard bytes.count >= 8 else { throw fail("file is \(bytes.count) bytes, too short for a safetensors header") }
        let headerLength = bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(Self.maxHeaderBytes), headerLength <= UInt64(bytes.count - 8) else {
            throw fail("header length \(headerLength) is larger than the file (\(bytes.count) bytes) allows")
        }
        let headerEnd = 8 + Int(headerLength)
        guard let json = (try? JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<headerEnd))) as? [String: Any] else {
            throw fail("header is not valid JSON")
        }
        let dataCount = bytes.count - headerEnd
        var entries: [String: Entry] = [:]
        var spanned = 0
        for (name, value) in json where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2 else {
                throw fail("tensor '\(name)' has a malformed header entry")
            }
            guard dtype == "F32" else { throw fail("tensor '\(name)' has dtype \(dtype), expected F32") }
            guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataCount else {
                throw fail("tensor '\(name)' data offsets \(offsets) lie outside the \(dataCount)-byte data section")
            }
            guard let needed = Self.byteCount(of: shape), needed <= dataCount else {
                throw fail("tensor '\(name)' has shape \(shape), larger than the \(dataCount)-byte data section")
            }
            guard offsets[1] - offsets[0] == needed else {
                throw fail("tensor '\(name)' spans \(offsets[1] - offsets[0]) bytes but shape \(shape) needs \(needed)")
            }
            entries[name] = Entry(shape: shape, range: offsets[0]..<offsets[1])
            spanned = max(spanned, offsets[1])
        }
        guard spanned == dataCount else {
            throw fail("data section is \(dataCount) bytes but its tensors span \(spanned): the file is padded or damaged")
        }
        self.metadata = json["__metadata__"] as? [String: String] ?? [:]
        (self.entries, self.bytes, self.dataStart) = (entries, bytes, headerEnd)
    }

    public var tensorNames: [String] { entries.keys.sorted() }

    public func shape(of name: String) -> [Int]? { entries[name]?.shape }

    /// The tensor `name`; when `shape` is given it must match exactly.
    public func tensor(_ name: String, shape: [Int]? = nil) throws -> Tensor {
        guard let entry = entries[name] else {
            throw WeightFileError(file: source, problem: "tensor '\(name)' is missing")
        }
        if let shape, entry.shape != shape {
            throw WeightFileError(file: source, problem: "tensor '\(name)' has shape \(entry.shape), expected \(shape)")
        }
        var values = [Float](repeating: 0, count: entry.range.count / 4)
        let range = (dataStart + entry.range.lowerBound)..<(dataStart + entry.range.upperBound)
        _ = values.withUnsafeMutableBytes { bytes.copyBytes(to: $0, from: range) }
        #if _endian(big)
        values = values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        #endif
        // A NaN or infinite weight turns every output black: refuse it here, by name.
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw WeightFileError(file: source, problem: "tensor '\(name)' holds a non-finite value (\(values[index])) at element \(index)")
        }
        return Tensor(shape: entry.shape, storage: values)
    }
}

/// A model weight file (docs/design.md, section 3): a safetensors archive whose `__metadata__` names the
/// format, its version and the model config, so the model is built from the file alone.
public struct WeightFile: Sendable {
    public static let formatName = "skipat-denoiser"
    public static let formatVersion = 1

    public let archive: SafetensorsArchive
    public let config: ModelConfig
    public var source: String { archive.source }
    public var metadata: [String: String] { archive.metadata }

    public init(bytes: Data, source: String) throws {
        archive = try SafetensorsArchive(bytes: bytes, source: source)
        func fail(_ problem: String) -> WeightFileError { WeightFileError(file: source, problem: problem) }
        let metadata = archive.metadata
        guard metadata["format"] == Self.formatName else {
            throw fail("metadata format is \(metadata["format"].map { "'\($0)'" } ?? "missing"), expected '\(Self.formatName)'")
        }
        guard metadata["format_version"] == String(Self.formatVersion) else {
            throw fail("format_version \(metadata["format_version"] ?? "missing") is not \(Self.formatVersion)")
        }
        guard let text = metadata["config"], let config = try? JSONDecoder().decode(ModelConfig.self, from: Data(text.utf8)) else {
            throw fail("metadata has no readable model config")
        }
        if let problem = config.problem { throw fail("model config: \(problem)") }
        self.config = config
    }

    public var tensorNames: [String] { archive.tensorNames }

    public func tensor(_ name: String, shape: [Int]) throws -> Tensor { try archive.tensor(name, shape: shape) }
}

/// A weight file that cannot be used, with the file, the problem and how to get a good one.
public struct WeightFileError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let problem: String

    public var description: String {
        "\(file): \(problem) (regenerate it with `python3 Scripts/export.py Scripts/training/<preset>.resume.pt \(file)`)"
    }
}

/// Hands out tensors by name and, at the end, rejects any the model did not ask for.
struct WeightReader {
    let file: WeightFile
    /// The precision of the transformer's matrix products (`linear(_:_:_:)`, the attention).
    let precision: MatrixPrecision
    private(set) var used: Set<String> = []

    init(_ file: WeightFile, precision: MatrixPrecision = .float32) { (self.file, self.precision) = (file, precision) }

    /// A transformer Linear layer: `<prefix>.weight` (out, in) and `<prefix>.bias` (out), in the reader's precision.
    mutating func linear(_ prefix: String, out: Int, in inFeatures: Int) throws -> Linear {
        Linear(weight: try self("\(prefix).weight", out, inFeatures), bias: try self("\(prefix).bias", out),
               precision: precision)
    }

    mutating func callAsFunction(_ name: String, _ shape: Int...) throws -> Tensor {
        used.insert(name)
        return try file.tensor(name, shape: shape)
    }

    func finish() throws {
        if let extra = file.tensorNames.first(where: { !used.contains($0) }) {
            throw WeightFileError(file: file.source, problem: "unexpected tensor '\(extra)' (not part of this config)")
        }
    }
}
