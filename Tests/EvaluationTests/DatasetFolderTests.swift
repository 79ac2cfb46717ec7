import Foundation
import Testing
@testable import Evaluation

@Suite struct DatasetFolderTests {
    static func touch(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: path, contents: Data([1])))
    }

    @Test func listsImagesSortedByName() throws {
        let folder = try Fixtures.folder()
        for name in ["b.png", "a.JPG", "c.tif", "notes.txt", ".hidden.png"] { try Self.touch(folder + "/" + name) }
        #expect(try DatasetFolders.images(in: folder).map { ($0 as NSString).lastPathComponent } == ["a.JPG", "b.png", "c.tif"])
        #expect(DatasetFolders.stem(folder + "/a.JPG") == "a")
        #expect(DatasetFolders.displayName(folder + "/") == (folder as NSString).lastPathComponent)
    }

    @Test func missingOrEmptyFoldersAreClearErrors() throws {
        let folder = try Fixtures.folder()
        #expect(evaluationError { _ = try DatasetFolders.images(in: folder + "/nope") } == EvaluationError(folder + "/nope", "no such folder"))
        #expect(evaluationError { _ = try DatasetFolders.images(in: folder) } == EvaluationError(folder, "no images (png, tif, jpg, bmp) in this folder"))
        try Self.touch(folder + "/file.png")
        #expect(evaluationError { _ = try DatasetFolders.images(in: folder + "/file.png") }?.problem == "is a file, not a folder")
    }

    @Test func pairsNoisyAndCleanByName() throws {
        let folder = try Fixtures.folder()
        for name in ["0000-0001.png", "0000-0000.png"] {
            try Self.touch("\(folder)/input/\(name)")
            try Self.touch("\(folder)/groundtruth/\(name)")
        }
        let pairs = try DatasetFolders.pairs(in: folder)
        #expect(pairs.map(\.name) == ["0000-0000", "0000-0001"])
        #expect(pairs[0].noisy == "\(folder)/input/0000-0000.png" && pairs[0].clean == "\(folder)/groundtruth/0000-0000.png")

        try Self.touch("\(folder)/input/0000-0002.png")
        let unpaired = evaluationError { _ = try DatasetFolders.pairs(in: folder) }
        #expect(unpaired == EvaluationError("\(folder)/input/0000-0002.png", "no clean image of the same name in \(folder)/groundtruth"))
        try FileManager.default.removeItem(atPath: "\(folder)/input/0000-0002.png")
        try Self.touch("\(folder)/groundtruth/0000-0003.png")
        #expect(evaluationError { _ = try DatasetFolders.pairs(in: folder) }?.subject == "\(folder)/groundtruth/0000-0003.png")

        let bare = try Fixtures.folder()
        #expect(evaluationError { _ = try DatasetFolders.pairs(in: bare) }?.problem.contains("input/ (noisy) and groundtruth/ (clean)") == true)
    }

    @Test func pairsPolyUStyleRealAndMeanFiles() throws {
        let folder = try Fixtures.folder()
        for name in ["cam_2_real.JPG", "cam_2_mean.JPG", "cam_1_real.JPG", "cam_1_mean.JPG"] { try Self.touch("\(folder)/\(name)") }
        let pairs = try DatasetFolders.pairs(in: folder)
        #expect(pairs.map(\.name) == ["cam_1", "cam_2"])
        #expect(pairs[1].noisy == "\(folder)/cam_2_real.JPG" && pairs[1].clean == "\(folder)/cam_2_mean.JPG")
        try Self.touch("\(folder)/cam_3_real.JPG")
        #expect(evaluationError { _ = try DatasetFolders.pairs(in: folder) } == EvaluationError("\(folder)/cam_3_real.JPG", "no clean cam_3_mean image beside it"))
    }

    @Test(arguments: ["", "JPEGImages/480p/"])
    func findsDAVISSequencesInEitherLayout(prefix: String) throws {
        let root = try Fixtures.folder()
        for path in ["bear/00001.jpg", "bear/00000.jpg", "cows/00000.jpg"] { try Self.touch("\(root)/\(prefix)\(path)") }
        try FileManager.default.createDirectory(atPath: "\(root)/\(prefix)empty", withIntermediateDirectories: true)
        let sequences = try DatasetFolders.sequences(in: root)
        #expect(sequences.map(\.name) == ["bear", "cows"])
        #expect(sequences[0].frames == ["\(root)/\(prefix)bear/00000.jpg", "\(root)/\(prefix)bear/00001.jpg"])
    }

    @Test func davisWithoutSequencesIsAnError() throws {
        let root = try Fixtures.folder()
        #expect(evaluationError { _ = try DatasetFolders.sequences(in: root) }?.problem.contains("no sequence folders") == true)
    }
}
