import Foundation
import Testing
@testable import DenoiseKit
#if canImport(Glibc)
import Glibc
#endif

/// Weight files given by path (`--model file.safetensors`) come from anywhere: they fail with one clear error.
@Suite struct ModelCatalogTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func loadError(_ path: String) -> String? {
        do {
            _ = try ModelCatalog.load(path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// A 3 GB sparse file behind a valid header is refused from the header and the file size: it is mapped,
    /// never read whole (the test would take seconds and gigabytes otherwise).
    @Test func hugeSparseFileFailsFromItsHeader() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("huge.safetensors").path
        try FileManager.default.copyItem(atPath: Repo.path("Tests/SkipatModelTests/Fixtures/tiny-skipat.safetensors"), toPath: path)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 3 << 30)
        try handle.close()
        let start = Date()
        let message = try #require(loadError(path))
        #expect(message.contains("huge.safetensors") && message.contains("padded"), "\(message)")
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func fifoIsNotAWeightFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("pipe.safetensors").path
        #expect(mkfifo(path, 0o600) == 0)
        let message = try #require(loadError(path))
        #expect(message.contains("pipe.safetensors") && message.contains("not a regular file"))
    }
}
