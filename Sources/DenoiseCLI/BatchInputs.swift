import Batching
import Foundation

/// The inputs of a batch (`denoise INPUT... --output-dir DIR`): files as given, folders expanded to the
/// image files directly inside them (sorted by name), each paired with its output path in the folder.
public struct BatchInputs {
    /// Extensions of the still images a folder contributes (lower case).
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "tif", "tiff", "bmp"]

    public struct Item: Equatable {
        public let input: String
        public let output: String
    }

    public private(set) var items: [Item] = []
    /// Items of the whole batch, before a shard took its part.
    public private(set) var totalCount = 0
    /// Inputs that cannot be part of the batch (missing path, two inputs with the same output name), with why.
    public private(set) var problems: [(path: String, problem: String)] = []

    /// Every output is `outputFolder/<input name>.<fileExtension>`. With a `shard`, the items are those of
    /// the whole batch sorted by input path that the shard selects (problems are reported by shard 0).
    public init(_ paths: [String], outputFolder: String, fileExtension: String = "png", shard: Shard = .all) {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                files.append(path)  // reported by the per-file checks with the real reason
                continue
            }
            if isDirectory.boolValue {
                // Hidden files (e.g. macOS ._ resource forks) are not pictures.
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.filter { !$0.hasPrefix(".") && Self.imageExtensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
                    .sorted().map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        var seen = Set<String>()  // a file given twice (a.png a.png, dir and dir/) is one input
        files = files.filter { seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path).inserted }
        var claimed: [String: String] = [:]  // output -> the input that writes it
        for file in files {
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent + "." + fileExtension
            let output = (outputFolder as NSString).appendingPathComponent(name)
            if let first = claimed[output] {
                problems.append((file, "its output \(name) is already written for \(first); rename one of them"))
                continue
            }
            claimed[output] = file
            items.append(Item(input: file, output: output))
        }
        totalCount = items.count
        if shard != .all {
            items = shard.select(items.sorted { $0.input < $1.input }).map(\.item)
            if shard.index != 0 { problems = [] }
        }
    }
}
