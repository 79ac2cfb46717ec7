import CCodecs
import Foundation

/// Joins the time segments of one `denoise-video --segment K/N` run into `outputPath` by stream copy
/// (no re-encoding): packets keep their timestamps, so the result holds what one run over the whole
/// input writes. The segments may be given in any order: they are put in time order by their first
/// frame; overlapping segments or segments of different runs are refused, naming the file.
public func joinVideoSegments(_ segmentPaths: [String], into outputPath: String) throws {
    guard !segmentPaths.isEmpty else { throw CodecError(file: outputPath, problem: "no segments to join") }
    // A segment without frames (more segments than frames) sorts last; it adds no video.
    let starts = try segmentPaths.map { path in try probeMedia(path: path).video?.packetTimes.first ?? .infinity }
    let ordered = zip(starts, segmentPaths).enumerated()
        .sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element.1)
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
