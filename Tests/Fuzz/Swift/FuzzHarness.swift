// Fuzz harnesses for the Swift parsers of files people download and share: the safetensors weight
// loader (the model built from the config inside the file, as `--model file` does) and the MATLAB .mat
// reader of the SIDD evaluation.
//
//   denoise-fuzz weights|mat FILE_OR_FOLDER...   # ordinary build: runs each file through the harness
//                                                 # (replays a seed corpus or a saved crash)
//   Scripts/fuzz.sh SECONDS weights mat          # fuzzing build (-DFUZZING): libFuzzer's main drives it
import Evaluation
import Foundation
import SkipatModel

/// One input through the parser under test; every failure must be a thrown error, never a crash.
enum Harness: String {
    case weights, mat

    func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .weights:
            _ = try? SkipatDenoiser(weightBytes: Data(bytes), source: "fuzz-input")
        case .mat:
            _ = try? MatFile.parse(bytes, file: "fuzz-input", maxBytes: 64 << 20)
        }
    }
}

#if FUZZING
// libFuzzer's own main drives these; DENOISE_FUZZ_HARNESS names the harness (Scripts/fuzz.sh sets it).
nonisolated(unsafe) var selected = Harness.weights

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    guard let name = ProcessInfo.processInfo.environment["DENOISE_FUZZ_HARNESS"], let harness = Harness(rawValue: name) else {
        FileHandle.standardError.write(Data("set DENOISE_FUZZ_HARNESS to weights or mat\n".utf8))
        exit(2)
    }
    selected = harness
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
@main
enum DenoiseFuzz {
    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2, let harness = Harness(rawValue: arguments[1]) else {
            FileHandle.standardError.write(Data("usage: denoise-fuzz weights|mat FILE_OR_FOLDER...\n".utf8))
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst(2) {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                data.withUnsafeBytes { harness.run($0) }
                count += 1
            }
        }
        print("\(harness.rawValue): \(count) inputs, no crash")
    }

    /// A file, or every file in a folder.
    static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return [] }
        guard isFolder.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { (path as NSString).appendingPathComponent($0) }
    }
}
#endif
