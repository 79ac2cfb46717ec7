import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Frame progress on stderr: a redrawn bar (frames, fps, ETA) on a terminal, a plain line every few
/// seconds otherwise (logs and pipes).
public final class ProgressReporter {
    private let total: Int?
    private let start = Date()
    private var done = 0
    private var lastPrint = Date.distantPast
    private let isTerminal = isatty(STDERR_FILENO) != 0

    public init(total: Int?) {
        self.total = total.flatMap { $0 > 0 ? $0 : nil }
    }

    public func frameDone() {
        done += 1
        let now = Date()
        if now.timeIntervalSince(lastPrint) >= (isTerminal ? 0.2 : 5) {
            lastPrint = now
            emit(final: false)
        }
    }

    public func finish() { emit(final: true) }

    private func emit(final: Bool) {
        let elapsed = Date().timeIntervalSince(start)
        let fps = elapsed > 0 ? Double(done) / elapsed : 0
        var text = total.map { "\(done)/\($0) frames" } ?? "\(done) frames"
        text += String(format: ", %.2f fps", fps)
        if let total, fps > 0, !final { text += ", ETA " + Self.clock(Double(max(0, total - done)) / fps) }
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
