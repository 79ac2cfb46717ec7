import Foundation
import Imaging
import Testing
@testable import SkipatModel

/// Seeded mutations of a valid weight file: every one must load or fail with a WeightFileError; a crash
/// (a trap, an overflow, an allocation abort) would end the test run. A cheap, deterministic companion
/// to the libFuzzer harnesses of the C codec layer (Scripts/fuzz.sh).
@Suite struct WeightFileMutationTests {
    @Test func mutatedFilesLoadOrFailCleanly() throws {
        let original = try Fixtures.bytes("tiny-skipat")
        let headerEnd = 8 + Int(original.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        var rng = SplitMix64(seed: 2026)
        var (loaded, refused) = (0, 0)
        for round in 0..<1500 {
            var bytes = original
            // Mostly the header (where sizes, shapes and the config live), sometimes anywhere.
            let span = round % 4 == 0 ? bytes.count : headerEnd
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let at = Int(rng.next() % UInt64(span))
                switch rng.next() % 3 {
                case 0: bytes[at] ^= UInt8(1 << (rng.next() % 8))                     // flip a bit
                case 1: bytes[at] = UInt8(ascii: "0123456789-e.,[]\"".randomDigit(&rng))  // a JSON-ish byte
                default: bytes = bytes.prefix(at) + bytes.suffix(from: min(bytes.count, at + 1 + Int(rng.next() % 8)))
                }
            }
            do {
                _ = try SkipatDenoiser(weightBytes: bytes, source: "mutated.safetensors")
                loaded += 1
            } catch is WeightFileError {
                refused += 1
            }
        }
        #expect(loaded + refused == 1500)
        #expect(refused > 1000, "most mutations must be caught (\(refused) refused, \(loaded) loaded)")
    }
}

private extension String {
    func randomDigit(_ rng: inout SplitMix64) -> Character {
        Array(self)[Int(rng.next() % UInt64(count))]
    }
}

private extension UInt8 {
    init(ascii character: Character) { self = character.asciiValue ?? 0x20 }
}
