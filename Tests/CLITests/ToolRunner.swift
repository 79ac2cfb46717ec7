import Foundation
import TestSupport

/// Runs the built command-line tools as a user would, capturing exit status and output.
enum ToolRunner {
    static let repo = Repository.root
    static let fixtureModel = repo.appendingPathComponent("Tests/SkipatModelTests/Fixtures/tiny-skipat.safetensors").path

    static func sample(_ name: String) -> String { repo.appendingPathComponent("Samples/\(name)").path }

    /// The folder SwiftPM puts products in: the test bundle sits beside them.
    static var productsFolder: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("denoise").path) { return url }
        }
        return repo.appendingPathComponent(".build/debug")
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// Runs `tool` with `arguments` (in `directory` if given); with `interruptAfter`, sends SIGINT after
    /// that many seconds.
    static func run(_ tool: String, _ arguments: [String], interruptAfter: Double? = nil, directory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = productsFolder.appendingPathComponent(tool)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        (process.standardOutput, process.standardError) = (out, err)
        try process.run()
        if let interruptAfter {
            Thread.sleep(forTimeInterval: interruptAfter)
            if process.isRunning { process.interrupt() }
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A fresh, empty folder for one test.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func contents(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }
}
