import ArgumentParser
import DenoiseCLI
import DenoiseKit
import Dispatch
import Engine
import Foundation
import Imaging
import SkipatModel

#if canImport(Glibc)
import Glibc
#endif


/// Speed and memory measurements (not tests): every figure is measured in the same run as the figure
/// it is compared with, because the machines are shared and noisy.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise-bench",
        abstract: "Throughput and memory of the SKIPAT engine and pipeline.",
        version: ToolVersion.text,
        subcommands: [EngineBench.self, ImageBench.self, VideoBench.self, PipelineBench.self])
}

/// Peak resident set size of this process so far, in MB.
func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// The CPU's model name (/proc/cpuinfo), its core count and whether it has AVX-512 BF16: every printed
/// ratio belongs to one machine.
func cpuDescription() -> String {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        .flatMap { $0.split(separator: ":", maxSplits: 1).last }?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
    return "\(model), \(ProcessInfo.processInfo.activeProcessorCount) cores, AVX-512 BF16: \(MatrixPrecision.bfloat16Supported ? "yes" : "no")"
}

/// The middle value (the upper one of an even count); `values` must not be empty.
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// A deterministic noisy test picture: smooth structure plus seeded Gaussian noise of `sigma` (0-255).
func syntheticNoisyImage(width: Int, height: Int, sigma: Float, seed: UInt64 = 0x1234_5678) -> PlanarImage {
    var image = PlanarImage(width: width, height: height, channels: 3)
    for c in 0..<3 {
        for y in 0..<height {
            for x in 0..<width { image[c, y, x] = 0.5 + 0.3 * sin(Float(x) / 37 + Float(c)) * cos(Float(y) / 23) }
        }
    }
    return addGaussianNoise(image, sigma: Double(sigma), seed: seed)
}

/// Selects the C kernel build named `name` (portable, avx2, avx512) for the rest of the run; nil keeps the best.
func selectKernels(_ name: String?) throws {
    guard let name else { return }
    guard let build = KernelBuild.supported(named: name) else {
        throw ValidationError("--kernels \(name): this CPU runs \(KernelBuild.supportedList)")
    }
    KernelBuild.select(build)
}

/// Environment for the PyTorch side matching the selected kernel build: with AVX2 selected, PyTorch's own
/// kernels (ATEN_CPU_CAPABILITY) and its oneDNN convolutions (ONEDNN_MAX_CPU_ISA) are held to AVX2 too, so
/// both sides stand in for an AVX2 CPU.
func pytorchEnvironment() -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    switch KernelBuild.current {
    case .avx2: (environment["ATEN_CPU_CAPABILITY"], environment["ONEDNN_MAX_CPU_ISA"]) = ("avx2", "AVX2")
    case .portable: (environment["ATEN_CPU_CAPABILITY"], environment["ONEDNN_MAX_CPU_ISA"]) = ("default", "SSE41")
    case .avx512: break
    }
    return environment
}

/// Runs Scripts/`script` with python3 and returns the JSON objects it prints, one per line.
func pythonJSONLines(_ script: String, _ arguments: [String]) throws -> [[String: Any]] {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts/\(script)").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", path] + arguments
    process.environment = pytorchEnvironment()
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw ToolError("Scripts/\(script)", "failed (is torch installed?)") }
    return try String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
}
