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
}
