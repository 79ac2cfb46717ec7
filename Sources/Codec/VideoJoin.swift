import CCodecs
import Foundation

/// Joins the parts of one `denoise-video --segment K/N` run into `outputPath` by stream copy (no
/// re-encoding): packets keep their timestamps, so the result holds what one run over the whole input
/// writes. The parts may be given in any order: each records which part of which run it is
/// (`VideoSegmentTag`), and a set with a part missing, doubled or from another run is refused, as are
/// parts whose streams differ or that overlap in time, naming the file.
public func joinVideoSegments(_ segmentPaths: [String], into outputPath: String) throws {
    guard !segmentPaths.isEmpty else { throw CodecError(file: outputPath, problem: "no segments to join") }
    let tagged = try segmentPaths.map { path -> (tag: VideoSegmentTag, path: String) in
        guard let tag = try VideoSegmentTag.read(from: path) else {
            throw CodecError(file: path, problem: "not a part written by denoise-video --segment")
        }
        return (tag, path)
    }.sorted { $0.tag.index < $1.tag.index }
    let first = tagged[0]
    for part in tagged where part.tag.run != first.tag.run || part.tag.count != first.tag.count {
        throw CodecError(file: part.path, problem: "is part \(part.tag.index)/\(part.tag.count) of another run than "
                         + "\(first.path) (part \(first.tag.index)/\(first.tag.count))")
    }
    for (a, b) in zip(tagged, tagged.dropFirst()) where a.tag.index == b.tag.index {
        throw CodecError(file: b.path, problem: "is part \(b.tag.index)/\(b.tag.count) again (also \(a.path))")
    }
    let missing = Set(0..<first.tag.count).subtracting(tagged.map(\.tag.index)).sorted()
    if !missing.isEmpty {
        throw CodecError(file: outputPath, problem: "parts missing: " + missing.map { "\($0)/\(first.tag.count)" }.joined(separator: ", "))
    }
    let ordered = tagged.map(\.path)
    var cPaths = ordered.map { strdup($0) }
    defer { cPaths.forEach { free($0) } }
    var failed: Int32 = -1
    _ = try cPaths.withUnsafeMutableBufferPointer { paths in
        try paths.withMemoryRebound(to: UnsafePointer<CChar>?.self) { constPaths in
            try ffmpegCall({ _ in failed >= 0 ? ordered[Int(failed)] : outputPath }) {
                ccodecs_video_join(constPaths.baseAddress, Int32(ordered.count), outputPath, &failed, $0, $1)
            }
        }
    }
}
