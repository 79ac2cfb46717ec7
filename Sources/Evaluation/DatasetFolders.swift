import Foundation

/// Finding a dataset's files on disk. Everything comes back sorted by file name (String order), the
/// order that `--shard` and the noise seeds count in.
public enum DatasetFolders {
    /// Still-image extensions read (ImageFile picks the decoder by signature, not by name).
    public static let imageExtensions: Set<String> = ["png", "tif", "tiff", "jpg", "jpeg", "bmp"]

    /// The images directly inside `folder`, by name.
    public static func images(in folder: String) throws -> [String] {
        let names = try imageNames(in: folder)
        guard !names.isEmpty else { throw EvaluationError(folder, "no images (png, tif, jpg, bmp) in this folder") }
        return names.map { (folder as NSString).appendingPathComponent($0) }
    }

    /// Noisy / clean pairs of a real-noise folder: `input/NAME` with `groundtruth/NAME` (SIDD blocks), or
    /// `NAME_real.EXT` with `NAME_mean.EXT` side by side (PolyU).
    public static func pairs(in folder: String) throws -> [(name: String, noisy: String, clean: String)] {
        try requireFolder(folder)
        let input = (folder as NSString).appendingPathComponent("input")
        let truth = (folder as NSString).appendingPathComponent("groundtruth")
        if !isFolder(input), !isFolder(truth), let suffixed = try suffixPairs(in: folder) { return suffixed }
        for sub in [input, truth] where !isFolder(sub) {
            throw EvaluationError(folder, "expected input/ (noisy) and groundtruth/ (clean) folders; \((sub as NSString).lastPathComponent)/ is missing")
        }
        let noisy = try imageNames(in: input), clean = try imageNames(in: truth)
        guard !noisy.isEmpty else { throw EvaluationError(input, "no images (png, tif, jpg, bmp) in this folder") }
        let cleanSet = Set(clean), noisySet = Set(noisy)
        if let lone = noisy.first(where: { !cleanSet.contains($0) }) {
            throw EvaluationError((input as NSString).appendingPathComponent(lone), "no clean image of the same name in \(truth)")
        }
        if let lone = clean.first(where: { !noisySet.contains($0) }) {
            throw EvaluationError((truth as NSString).appendingPathComponent(lone), "no noisy image of the same name in \(input)")
        }
        return noisy.map { name in
            (stem(name), (input as NSString).appendingPathComponent(name), (truth as NSString).appendingPathComponent(name))
        }
    }

    /// PolyU's `NAME_real` (noisy) / `NAME_mean` (clean) files, or nil when the folder has no `_real` file.
    static func suffixPairs(in folder: String) throws -> [(name: String, noisy: String, clean: String)]? {
        let names = try imageNames(in: folder)
        let cleanByStem = Dictionary(names.map { (stem($0), $0) }, uniquingKeysWith: { first, _ in first })
        let noisy = names.filter { stem($0).hasSuffix("_real") }
        guard !noisy.isEmpty else { return nil }
        return try noisy.map { name in
            let base = String(stem(name).dropLast("_real".count))
            guard let clean = cleanByStem[base + "_mean"] else {
                throw EvaluationError((folder as NSString).appendingPathComponent(name), "no clean \(base)_mean image beside it")
            }
            return (base, (folder as NSString).appendingPathComponent(name), (folder as NSString).appendingPathComponent(clean))
        }
    }

    /// DAVIS sequences: `ROOT/<seq>/00000.jpg ...`, or the official `ROOT/JPEGImages/480p/<seq>/...`.
    public static func sequences(in root: String) throws -> [(name: String, frames: [String])] {
        try requireFolder(root)
        let official = ((root as NSString).appendingPathComponent("JPEGImages") as NSString).appendingPathComponent("480p")
        let base = isFolder(official) ? official : root
        let names = try contents(of: base).filter { isFolder((base as NSString).appendingPathComponent($0)) }
        var sequences: [(name: String, frames: [String])] = []
        for name in names {
            let folder = (base as NSString).appendingPathComponent(name)
            let frames = try imageNames(in: folder)
            if !frames.isEmpty { sequences.append((name, frames.map { (folder as NSString).appendingPathComponent($0) })) }
        }
        guard !sequences.isEmpty else {
            throw EvaluationError(root, "no sequence folders with frames (expected <seq>/00000.jpg ... or JPEGImages/480p/<seq>/...)")
        }
        return sequences
    }

    /// The name a dataset is reported under: its folder's (or file's) last path component.
    public static func displayName(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent
    }

    /// A file's name without folder and extension ("101085" for ".../101085.png").
    public static func stem(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    static func imageNames(in folder: String) throws -> [String] {
        try requireFolder(folder)
        return try contents(of: folder).filter { name in
            !name.hasPrefix(".") && imageExtensions.contains((name as NSString).pathExtension.lowercased())
                && !isFolder((folder as NSString).appendingPathComponent(name))
        }
    }

    static func contents(of folder: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        } catch {
            throw EvaluationError(folder, "cannot list the folder")
        }
    }

    static func requireFolder(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EvaluationError(path, "no such folder")
        }
        guard isDirectory.boolValue else { throw EvaluationError(path, "is a file, not a folder") }
    }

    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
