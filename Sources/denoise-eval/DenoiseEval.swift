import ArgumentParser
import DenoiseCLI

@main
struct DenoiseEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise-eval",
        abstract: "PSNR / SSIM / throughput of the SKIPAT denoiser on Gaussian sets, SIDD and DAVIS.",
        discussion: """
            Every subcommand writes a JSON result (--json) and/or a Markdown table (--markdown); existing \
            result files are replaced. Scores are taken on the output rounded to 8 bits against the clean \
            file (docs/design.md, section 6). --shard K/N runs every N-th item from K; 'merge' joins the shards.
            """,
        version: ToolVersion.text,
        subcommands: [GaussianCommand.self, SIDDCommand.self, DAVISCommand.self, NoiseLevelCommand.self, MergeCommand.self])
}
