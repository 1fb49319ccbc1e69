extension MetricsFile {
    /// Writes `--metrics-file` if one was given, with the command's own gauges. Returns the exit
    /// status to use: a run whose metrics could not be written is a failure (monitoring would
    /// otherwise keep showing the previous night), reported on stderr.
    @discardableResult
    static func emit(_ path: String?, command: String, code: ExitCode, started: Int64,
                     _ fill: (inout MetricsFile) -> Void = { _ in }) -> ExitCode {
        guard let path else { return code }
        var metrics = MetricsFile(path: path, command: command)
        fill(&metrics)
        metrics.gauge("exit_code", Double(code.rawValue), help: "Exit status of the last run.")
        if let problem = metrics.write(success: code == .success, durationSeconds: Double(Terminal.monotonic() - started) / 1e9,
                                       now: Terminal.now()) {
            Terminal.error("regkeeper \(command): \(problem)\n")
            return code == .success ? .failure : code
        }
        return code
    }
}
