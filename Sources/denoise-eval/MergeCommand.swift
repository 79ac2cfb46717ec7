import ArgumentParser
import DenoiseCLI
import Evaluation
import Foundation

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the JSON results of --shard runs into one result (means recomputed from the items).")

    @Argument(help: "Shard result files (JSON).")
    var inputs: [String]

    @Option(name: .long, help: "Write the merged result as JSON here.")
    var json: String

    @Option(name: .long, help: "Write the merged result as a Markdown table here.")
    var markdown: String?

    func run() throws {
        InterruptCleanup.install()
        guard !inputs.isEmpty else { throw ToolError("merge", "give the shard result files to join") }
        for path in [json] + [markdown].compactMap({ $0 }) { try checkOutputFolder(path) }
        let reports = try inputs.map { path in
            try FileChecks.input(path)
            return (path, try EvaluationReport.read(path: path))
        }
        try ResultOutputs(json: json, markdown: markdown).write(try ReportMerge.merge(reports))
    }
}
