import Engine
import Foundation
import Testing
@testable import SkipatModel

/// Swift forward pass vs the PyTorch reference (fixtures from Scripts/make_fixtures.py).
@Suite struct ParityTests {
    /// Max abs error allowed per activation (float32, different summation order than PyTorch).
    static let activationTolerance: Float = 1e-4
    /// End-to-end floor: PSNR of the Swift output against PyTorch's, data range 1.
    static let outputPSNRFloor = 80.0

    @Test(arguments: ["tiny-skipat", "tiny-baseline", "tiny-skipat-shifted", "tiny-temporal"], [32, 16])
    func activationsMatchPyTorch(model name: String, size: Int) throws {
        let model = try SkipatDenoiser(weights: try Fixtures.weights(name))
        let expected = try Fixtures.archive("\(name).\(size).activations")
        let input = try expected.tensor("input", shape: [size, size, model.config.inChannels])
        var output = [Float](repeating: 0, count: size * size * 3)
        var seen: [String] = []
        let workspace = model.makeWorkspace()
        input.withPointer { x in
            model.forward(x, height: size, width: size, into: &output, workspace: workspace) { name, values, shape in
                seen.append(name)
                guard let reference = try? expected.tensor(name, shape: shape) else {
                    Issue.record("activation \(name) \(shape) has no reference of that shape")
                    return
                }
                let error = zip(reference.storage, UnsafeBufferPointer(start: values, count: reference.count))
                    .map { abs($0 - $1) }.max() ?? 0
                #expect(error <= Self.activationTolerance, "\(name): max abs error \(error)")
            }
        }
        #expect(Set(seen) == Set(expected.tensorNames).subtracting(["input"]), "every reference activation is compared")
        let reference = try expected.tensor("output", shape: [size, size, 3]).storage
        let mse = zip(reference, output).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +) / Double(output.count)
        let psnr = 10 * log10(1 / mse)
        #expect(psnr >= Self.outputPSNRFloor, "output PSNR vs PyTorch \(psnr) dB")
    }

    @Test func skipatVariantReallyUsesPhi() throws {
        let skipat = try SkipatDenoiser(weights: try Fixtures.weights("tiny-skipat"))
        let baseline = try SkipatDenoiser(weights: try Fixtures.weights("tiny-baseline"))
        func mixers(_ m: SkipatDenoiser) -> [String] {
            (m.encoders + [m.bottleneck] + m.decoders).flatMap { $0.blocks }.map {
                if case .phi = $0.mixer { "phi" } else { "attention" }
            }
        }
        #expect(mixers(skipat).filter { $0 == "phi" }.count == 5)  // block 1 of each of the 5 stages
        #expect(mixers(baseline).allSatisfy { $0 == "attention" })
    }

    /// Shifts of the attention blocks, stage by stage in forward order (encoders, bottleneck, decoders L-1..0).
    static func attentionShifts(_ m: SkipatDenoiser) -> [[Int]] {
        (m.encoders + [m.bottleneck] + m.decoders.reversed()).map { stage in
            stage.blocks.compactMap { if case .attention(let a) = $0.mixer { a.shift } else { nil } }
        }
    }

    @Test func shiftOrderPlacesShiftedWindows() throws {
        // Tiny models: window 4, so a shifted block shifts by 2.
        let skipat = try SkipatDenoiser(weights: try Fixtures.weights("tiny-skipat"))
        let shifted = try SkipatDenoiser(weights: try Fixtures.weights("tiny-skipat-shifted"))
        let baseline = try SkipatDenoiser(weights: try Fixtures.weights("tiny-baseline"))
        #expect(skipat.config.shiftOrder == .block && shifted.config.shiftOrder == .network)
        #expect(Self.attentionShifts(skipat) == Array(repeating: [0], count: 5))  // the weakness "network" fixes
        #expect(Self.attentionShifts(shifted) == [[0], [2], [0], [2], [0]])
        #expect(Self.attentionShifts(baseline) == Array(repeating: [0, 2], count: 5))
        var networkBaseline = baseline.config
        networkBaseline.shiftOrder = .network  // even attention count per stage: both orders agree
        #expect((0..<5).map { s in (0..<2).map { networkBaseline.windowShift(stage: s, block: $0) } }
                == Self.attentionShifts(baseline))
    }

    /// Depth 3: where a Phi block precedes an attention block, or the depth is odd, the orders differ.
    @Test func shiftOrdersDifferBeyondDepthTwo() {
        func shifts(_ config: ModelConfig) -> [[Int]] {
            (0..<3).map { s in (0..<3).map { config.windowShift(stage: s, block: $0) } }
        }
        var skipat = ModelConfig(channels: 4, levels: 1, depth: 3, window: 8, phiBlocks: [1])
        #expect(shifts(skipat) == Array(repeating: [0, 0, 0], count: 3))
        skipat.shiftOrder = .network  // attention blocks 0 and 2 of every stage: plain, shifted
        #expect(shifts(skipat) == Array(repeating: [0, 0, 4], count: 3))
        var baseline = ModelConfig(channels: 4, levels: 1, depth: 3, window: 8, phiBlocks: [])
        #expect(shifts(baseline) == Array(repeating: [0, 4, 0], count: 3))
        baseline.shiftOrder = .network  // 3 attention blocks per stage: parity runs on across stages
        #expect(shifts(baseline) == [[0, 4, 0], [4, 0, 4], [0, 4, 0]])
    }

    @Test func configWithoutShiftOrderReadsAsPerBlock() throws {
        let json = #"{"width": 4, "levels": 2, "depth": 2, "window": 4, "mlp_ratio": 4, "phi_ratio": 2, "#
            + #""phi_kernel": 5, "phi_blocks": [1], "in_channels": 4, "out_channels": 3}"#
        let config = try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8))
        #expect(config.shiftOrder == .block)
        let bad = json.replacingOccurrences(of: "}", with: #", "shift_order": "diagonal"}"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ModelConfig.self, from: Data(bad.utf8)) }
    }

    @Test func forwardAllocatesNothingInSteadyState() throws {
        let model = try SkipatDenoiser(weights: try Fixtures.weights("tiny-skipat"))
        let workspace = model.makeWorkspace()
        let input = [Float](repeating: 0.5, count: 32 * 32 * 4)
        var output = [Float](repeating: 0, count: 32 * 32 * 3)
        model.forward(input, height: 32, width: 32, into: &output, workspace: workspace)
        let afterFirst = workspace.allocationCount
        for _ in 0..<3 { model.forward(input, height: 32, width: 32, into: &output, workspace: workspace) }
        #expect(workspace.allocationCount == afterFirst)
    }
}

enum Fixtures {
    static func url(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures"))
    }

    static func bytes(_ name: String) throws -> Data { try Data(contentsOf: try url(name)) }

    static func weights(_ name: String) throws -> WeightFile {
        try WeightFile(bytes: try bytes(name), source: "\(name).safetensors")
    }

    static func archive(_ name: String) throws -> SafetensorsArchive {
        try SafetensorsArchive(bytes: try bytes(name), source: "\(name).safetensors")
    }
}

@Suite struct ModelCostTests {
    /// Values printed by `python3 Scripts/skipat_model.py` (163.0 / 202.7 / 28.5 kMAC per pixel).
    @Test func macsMatchThePythonCount() {
        let quality = ModelConfig(channels: 16, levels: 3, depth: 2, window: 16, phiBlocks: [1])
        var baseline = quality
        baseline.phiBlocks = []
        let fast = ModelConfig(channels: 8, levels: 2, depth: 2, window: 8, phiBlocks: [1])
        #expect(abs(quality.macsPerPixel / 1000 - 163.0) < 0.05)
        #expect(abs(baseline.macsPerPixel / 1000 - 202.7) < 0.05)
        #expect(abs(fast.macsPerPixel / 1000 - 28.5) < 0.05)
    }

    /// The temporal presets: 173.9 (video) and 36.3 (video-fast) kMAC per pixel in the same printout.
    @Test func temporalMacsMatchThePythonCount() {
        let video = ModelConfig(channels: 16, levels: 3, depth: 2, window: 16, phiBlocks: [1], frames: 5, fusionWidth: 32)
        let videoFast = ModelConfig(channels: 8, levels: 2, depth: 2, window: 8, phiBlocks: [1], frames: 5, fusionWidth: 32)
        #expect(video.inChannels == 16 && video.centreFrame == 2)
        #expect(abs(video.macsPerPixel / 1000 - 173.9) < 0.05)
        #expect(abs(videoFast.macsPerPixel / 1000 - 36.3) < 0.05)
    }
}

@Suite struct TemporalConfigTests {
    @Test func windowsMustBeOddWithAFusionBranchAndMatchingInputs() {
        let good = ModelConfig(channels: 8, levels: 2, depth: 2, window: 8, phiBlocks: [1], frames: 3, fusionWidth: 16)
        #expect(good.problem == nil)
        var even = good
        (even.frames, even.inChannels) = (4, 13)
        #expect(even.problem?.contains("even") == true)
        var noFusion = good
        noFusion.fusionWidth = 0
        #expect(noFusion.problem?.contains("fusion_width") == true)
        var wrongInputs = good
        wrongInputs.inChannels = 4
        #expect(wrongInputs.problem?.contains("10 input channels") == true)
        var imageWithFusion = ModelConfig(channels: 8, levels: 2, depth: 2, window: 8, phiBlocks: [1])
        imageWithFusion.fusionWidth = 8
        #expect(imageWithFusion.problem?.contains("fusion_width") == true)
    }

    /// Alignment belongs to temporal models, and the prefilter needs aligned neighbours; a file without
    /// the fields reads as neither.
    @Test func alignmentAndPrefilterGoTogether() throws {
        var prepared = ModelConfig(channels: 8, levels: 2, depth: 2, window: 8, phiBlocks: [1], frames: 3, fusionWidth: 16,
                                   alignment: .block, prefilter: .robust)
        #expect(prepared.problem == nil)
        prepared.alignment = .none
        #expect(prepared.problem?.contains("prefilter") == true)
        let image = ModelConfig(channels: 8, levels: 2, depth: 2, window: 8, phiBlocks: [1], alignment: .block)
        #expect(image.problem?.contains("alignment") == true)
        let json = #"{"width": 8, "levels": 2, "depth": 2, "window": 8, "mlp_ratio": 4, "phi_ratio": 2, "phi_kernel": 5, "phi_blocks": [1], "in_channels": 10, "out_channels": 3, "frames": 3, "fusion_width": 16}"#
        let old = try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8))
        #expect(old.alignment == .none && old.prefilter == .none)
    }
}
