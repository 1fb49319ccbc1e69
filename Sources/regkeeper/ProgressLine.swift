import Archiver
import RegistryStore

/// One self-rewriting line on stderr for long work: phase, files, bytes (of the total), rate, ETA.
/// Drawn at most ten times a second, and only when stderr is a terminal and `--quiet` is not given.
final class ProgressLine {
    private let command: String
    private let enabled: Bool
    private let verbose: Bool
    private let started = Terminal.monotonic()
    private var lastDrawn: Int64 = 0
    private var drawn = false

    init(command: String, quiet: Bool, json: Bool, verbose: Bool = false) {
        self.command = command
        self.verbose = verbose
        enabled = !quiet && !json && Terminal.errorIsTerminal
    }

    func update(_ progress: WorkProgress) {
        if verbose, let item = progress.item {
            // Per-item lines go to stderr (stdout stays the summary or the JSON), above the progress line.
            Terminal.error((drawn ? "\r\u{1B}[2K" : "") + "regkeeper \(command): \(item)\n")
            lastDrawn = 0
        }
        guard enabled else { return }
        let now = Terminal.monotonic()
        guard now - lastDrawn >= 100_000_000 else { return }
        lastDrawn = now
        let seconds = Double(now - started) / 1e9
        var line = "regkeeper \(command): \(progress.phase) — \(progress.files) files, \(ByteCountText.format(progress.bytes))"
        if let total = progress.totalBytes, total > 0 { line += " of \(ByteCountText.format(total))" }
        if seconds > 0.5 {
            let rate = Double(progress.bytes) / seconds
            line += ", \(ByteCountText.format(Int64(rate)))/s"
            if let total = progress.totalBytes, rate > 0, total > progress.bytes {
                line += ", ETA \(DurationText.format(Int64(Double(total - progress.bytes) / rate * 1e9)))"
            }
        }
        Terminal.error("\r\u{1B}[2K" + line)
        drawn = true
    }

    /// Clears the line before the summary is printed.
    func finish() {
        if drawn { Terminal.error("\r\u{1B}[2K") }
    }
}
