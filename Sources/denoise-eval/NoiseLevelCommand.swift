import ArgumentParser
import DenoiseCLI
import Evaluation
import Foundation

struct NoiseLevelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noise-level",
        abstract: "Accuracy of the blind noise estimator on the same noisy images as 'gaussian' (no model run).")

    @Option(name: .long, help: "Folder of clean images.")
    var dataset: String

    @Option(name: .long, help: "Noise levels on the 0-255 scale, comma-separated.")
    var sigma = "5,15,25,50"

    @Option(name: .long, help: "Base seed (as for 'gaussian').")
    var seed: UInt64 = 0

    func run() throws {
        let results = try noiseLevelErrors(dataset: dataset, sigmas: try SigmaList.parse(sigma), seed: seed, maxPixels: maxImagePixels)
        print("| sigma | mean estimate | mean abs error | max abs error | images |\n|---:|---:|---:|---:|---:|")
        for r in results {
            print(String(format: "| %.0f | %.2f | %.2f | %.2f | %d |", r.sigma, r.meanEstimate, r.meanAbsoluteError, r.maxAbsoluteError, r.images))
        }
    }
}
