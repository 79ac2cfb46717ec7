import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Progress on stderr: a redrawn bar (units done, rate, ETA) on a terminal; elsewhere (logs, pipes) a
/// plain line every few seconds when `plainLines`, else nothing. Silent with `--quiet`.
public final class ProgressReporter {
    private var total: Int?
    private let unit: String
    private let start = Date()
    private var done = 0
    private var lastPrint = Date.distantPast
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let enabled: Bool

    /// `unit`: what is counted ("frames", "tiles").
    public init(total: Int?, unit: String = "frames", plainLines: Bool = true) {
        self.total = total.flatMap { $0 > 0 ? $0 : nil }
        self.unit = unit
        enabled = !Status.quiet && (isTerminal || plainLines)
    }

    /// One more unit done.
    public func frameDone() { update(done: done + 1) }

    /// `done` units finished so far (of `total`, when it is known only now).
    public func update(done: Int, of total: Int? = nil) {
        self.done = done
        if let total, total > 0 { self.total = total }
        let now = Date()
        if enabled, now.timeIntervalSince(lastPrint) >= (isTerminal ? 0.2 : 5) {
            lastPrint = now
            emit(final: false)
        }
    }

    public func finish() { if enabled { emit(final: true) } }

    private func emit(final: Bool) {
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var text = total.map { "\(done)/\($0) \(unit)" } ?? "\(done) \(unit)"
        text += String(format: unit == "frames" ? ", %.2f fps" : ", %.1f/s", rate)
        if let total, rate > 0, !final { text += ", ETA " + Self.clock(Double(max(0, total - done)) / rate) }
        if final { text += ", " + Self.clock(elapsed) + " total" }
        if isTerminal {
            let width = 30, filled = total.map { min(width, done * width / $0) } ?? 0
            let bar = total == nil ? "" : "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + bar + text + (final ? "\n" : "")).utf8))
        } else {
            printStatus(text)
        }
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }
}
