import ArgumentParser

/// How a tool writes its output and talks about it, shared by `denoise` and `denoise-video`.
public struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Overwrite the output if it exists.")
    public var force = false

    @Flag(name: [.short, .long], help: "Print nothing but errors (no estimate, no progress, no summary).")
    public var quiet = false

    public init() {}

    /// Applies `--quiet` to every status line and progress bar of this process.
    public func apply() { Status.quiet = quiet }
}
