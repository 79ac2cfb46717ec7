import Foundation

/// The repository's files, for tests that read Samples/, fixtures or README.md: the one place that
/// finds the repository root (from this file's path at build time).
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Absolute path of `relative` (e.g. "Samples/astronaut-clean.png").
    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}
