import ArgumentParser
import DenoiseCLI
import DenoiseKit
import Dispatch
import Engine
import Foundation
import Imaging
import SkipatModel
import Tiling

struct PipelineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "For each preset, in a fresh process each (so peak RSS is per preset): image and video benchmarks.")

    @Option var models = "quality,quality-baseline,fast,video,video-fast"
    @Option var width = 6000
    @Option var height = 4000
    @Flag(help: "Time FFDNet (PyTorch) after each image run and print the ratio (needs python3 with torch).")
    var ffdnet = false

    func run() throws {
        for name in models.split(separator: ",").map(String.init) {
            let image = ["image", "--models", name, "--width", "\(width)", "--height", "\(height)"] + (ffdnet ? ["--ffdnet"] : [])
            for arguments in [image, ["video", "--model", name]] {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
                process.arguments = arguments
                try process.run()
                process.waitUntilExit()
                guard process.terminationStatus == 0 else {
                    throw ToolError("denoise-bench \(arguments.joined(separator: " "))", "failed (exit \(process.terminationStatus))")
                }
            }
        }
    }
}
