import Foundation
import Testing
@testable import SkipatModel

/// Damaged weight files must fail with an error that names the tensor or field.
@Suite struct CorruptWeightTests {
    /// The fixture split into its JSON header and data section, to edit and reassemble.
    struct Parts {
        var header: [String: Any]
        var data: Data

        init() throws {
            let bytes = try Fixtures.bytes("tiny-skipat")
            let length = Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
            header = try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + length))) as! [String: Any]
            data = bytes.subdata(in: (8 + length)..<bytes.count)
        }

        var bytes: Data {
            let json = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
            var length = UInt64(json.count).littleEndian
            return Data(bytes: &length, count: 8) + json + data
        }
    }

    func loadError(_ bytes: Data) -> String? {
        do {
            _ = try SkipatDenoiser(weightBytes: bytes, source: "broken.safetensors")
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func intactFixtureLoads() throws {
        #expect(loadError(try Parts().bytes) == nil)
    }

    @Test func truncatedFile() throws {
        let bytes = try Fixtures.bytes("tiny-skipat")
        let message = try #require(loadError(bytes.prefix(bytes.count - 100)))
        #expect(message.contains("broken.safetensors") && message.contains("outside"))
        #expect(message.contains("regenerate"))
        #expect(loadError(bytes.prefix(5))?.contains("too short") == true)
    }

    @Test func headerLengthLargerThanFile() throws {
        var bytes = try Fixtures.bytes("tiny-skipat")
        bytes[0] = 0xFF; bytes[1] = 0xFF; bytes[2] = 0xFF
        #expect(loadError(bytes)?.contains("header length") == true)
    }

    @Test func wrongShape() throws {
        var parts = try Parts()
        var entry = parts.header["input_proj.bias"] as! [String: Any]
        entry["shape"] = [2, 2]
        parts.header["input_proj.bias"] = entry
        let message = try #require(loadError(parts.bytes))
        #expect(message.contains("input_proj.bias") && message.contains("[2, 2]"))
    }

    @Test func offsetsOutsideData() throws {
        var parts = try Parts()
        var entry = parts.header["output_proj.bias"] as! [String: Any]
        entry["data_offsets"] = [parts.data.count, parts.data.count + 12]
        parts.header["output_proj.bias"] = entry
        let message = try #require(loadError(parts.bytes))
        #expect(message.contains("output_proj.bias") && message.contains("outside"))
    }

    @Test func missingTensor() throws {
        var parts = try Parts()
        parts.header["decoders.0.blocks.1.phi.eca.conv.weight"] = nil
        #expect(loadError(parts.bytes)?.contains("'decoders.0.blocks.1.phi.eca.conv.weight' is missing") == true)
    }

    @Test func extraTensor() throws {
        var parts = try Parts()
        parts.header["encoders.0.blocks.1.norm1.weight"] = ["dtype": "F32", "shape": [1], "data_offsets": [0, 4]]
        #expect(loadError(parts.bytes)?.contains("unexpected tensor 'encoders.0.blocks.1.norm1.weight'") == true)
    }

    @Test func wrongDtypeAndFormat() throws {
        var parts = try Parts()
        var entry = parts.header["input_proj.bias"] as! [String: Any]
        entry["dtype"] = "F16"
        parts.header["input_proj.bias"] = entry
        #expect(loadError(parts.bytes)?.contains("dtype F16") == true)

        parts = try Parts()
        var metadata = parts.header["__metadata__"] as! [String: String]
        metadata["format_version"] = "99"
        parts.header["__metadata__"] = metadata
        #expect(loadError(parts.bytes)?.contains("format_version 99") == true)

        metadata["format_version"] = "1"
        metadata["config"] = "{\"width\": 4}"
        parts.header["__metadata__"] = metadata
        #expect(loadError(parts.bytes)?.contains("config") == true)
    }

    @Test func garbageHeader() throws {
        var bytes = Data([16, 0, 0, 0, 0, 0, 0, 0])
        bytes += Data("this is not json".utf8) + Data(count: 32)
        #expect(loadError(bytes)?.contains("not valid JSON") == true)
    }

    /// A shape whose element count overflows Int must fail as too large, not trap.
    @Test func shapeProductOverflow() throws {
        var parts = try Parts()
        var entry = parts.header["input_proj.bias"] as! [String: Any]
        entry["shape"] = [1 << 40, 1 << 40]
        parts.header["input_proj.bias"] = entry
        let message = try #require(loadError(parts.bytes))
        #expect(message.contains("input_proj.bias") && message.contains("larger than"))
        #expect(SafetensorsArchive.byteCount(of: [1 << 40, 1 << 40]) == nil)
        #expect(SafetensorsArchive.byteCount(of: [3, 5]) == 60)
    }

    /// Config values far outside what any model uses are refused by name before anything is allocated.
    @Test(arguments: [("window", 1 << 40), ("mlp_ratio", 1 << 62), ("phi_ratio", 1 << 50), ("depth", 1_000_000_000),
                      ("width", 1 << 20), ("levels", 40), ("phi_kernel", 4), ("width", -3)])
    func hostileConfigValue(field: String, value: Int) throws {
        var parts = try Parts()
        var metadata = parts.header["__metadata__"] as! [String: String]
        var config = try JSONSerialization.jsonObject(with: Data(metadata["config"]!.utf8)) as! [String: Any]
        config[field] = value
        metadata["config"] = String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self)
        parts.header["__metadata__"] = metadata
        let message = try #require(loadError(parts.bytes))
        #expect(message.contains("model config") && message.contains(field), "\(message)")
    }

    /// A model whose total cost is absurd is refused even when every field alone is in range.
    @Test func costAboveTheLimit() throws {
        let config = ModelConfig(channels: 256, levels: 4, depth: 16, window: 64, mlpRatio: 16, phiRatio: 16, phiBlocks: [])
        #expect(config.problem?.contains("above") == true)
    }

    /// NaN or infinite weights would give a black image: the loader names the tensor instead.
    @Test(arguments: [Float.nan, Float.infinity])
    func nonFiniteWeight(value: Float) throws {
        var parts = try Parts()
        let entry = parts.header["output_proj.bias"] as! [String: Any]
        let start = (entry["data_offsets"] as! [Int])[0]
        withUnsafeBytes(of: value.bitPattern.littleEndian) { parts.data.replaceSubrange(start..<(start + 4), with: $0) }
        let message = try #require(loadError(parts.bytes))
        #expect(message.contains("output_proj.bias") && message.contains("non-finite"))
    }

    /// Bytes after the last tensor mean a damaged or padded file (a 3 GB sparse file among them).
    @Test func paddedDataSection() throws {
        var parts = try Parts()
        parts.data += Data(count: 64)
        #expect(loadError(parts.bytes)?.contains("padded") == true)
    }
}
