import ArgumentParser

@main
struct DenoiseEval: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "denoise-eval")
}
