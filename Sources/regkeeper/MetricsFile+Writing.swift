extension MetricsFile {
    /// Writes `--metrics-file` if one was given, with the command's own gauges; a failure to
    /// write is reported on stderr and does not change the exit status.
    static func emit(_ path: String?, command: String, code: ExitCode, started: Int64,
                     _ fill: (inout MetricsFile) -> Void = { _ in }) {
        guard let path else { return }
        var metrics = MetricsFile(path: path, command: command)
        fill(&metrics)
        metrics.gauge("exit_code", Double(code.rawValue), help: "Exit status of the last run.")
        if let problem = metrics.write(success: code == .success, durationSeconds: Double(Terminal.monotonic() - started) / 1e9,
                                       now: Terminal.now()) {
            Terminal.error("regkeeper \(command): \(problem)\n")
        }
    }
}
