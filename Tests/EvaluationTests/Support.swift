import Codec
import DenoiseKit
import Foundation
import Imaging
import TestSupport
@testable import Evaluation

enum Fixtures {
    static let repo = Repository.root
    static func path(_ name: String) -> String { repo.appendingPathComponent("Tests/EvaluationTests/Fixtures/\(name)").path }
    static let tinyModel = repo.appendingPathComponent("Tests/SkipatModelTests/Fixtures/tiny-skipat.safetensors").path

    /// A fresh, empty folder for one test.
    static func folder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// A smooth synthetic 8-bit image written as PNG (gray when channels == 1).
    @discardableResult
    static func writeImage(_ path: String, width: Int, height: Int, channels: Int, phase: Double = 0) throws -> StoredImage {
        let layout = PixelLayout(channels: channels == 1 ? .gray : .rgb, bitDepth: 8)
        var samples: [UInt16] = []
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    let v = 0.5 + 0.35 * sin(Double(x) / 5 + phase + Double(c)) * cos(Double(y) / 7)
                    samples.append(UInt16((v * 255).rounded()))
                }
            }
        }
        let image = StoredImage(width: width, height: height, layout: layout, samples: samples)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try PNGCodec.write(image, to: path)
        return image
    }

    /// An evaluator over the tiny fixture model (32-pixel tiles keep it fast).
    static func evaluator() throws -> Evaluator {
        let model = try ModelCatalog.load(tinyModel)
        let denoiser = try Denoiser(model: model, tileSize: 32, overlap: 8, threads: 2)
        return Evaluator(denoiser: denoiser, model: try ModelIdentity.of(tinyModel))
    }
}

/// The error `body` throws, as EvaluationError (nil when it throws nothing or something else).
func evaluationError(_ body: () throws -> Void) -> EvaluationError? {
    do {
        try body()
        return nil
    } catch let error as EvaluationError {
        return error
    } catch {
        return nil
    }
}
