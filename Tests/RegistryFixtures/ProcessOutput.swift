import Foundation

/// What a finished child process left behind: its exit status and everything it printed.
public struct ProcessOutput: Sendable {
    /// The exit status, or the signal number when `terminatedBySignal`.
    public let status: Int32
    /// True when the process was killed by a signal rather than exiting.
    public let terminatedBySignal: Bool
    /// Everything written to standard output.
    public let stdout: Data
    /// Everything written to standard error.
    public let stderr: Data

    /// Creates an output record.
    public init(status: Int32, terminatedBySignal: Bool, stdout: Data, stderr: Data) {
        self.status = status
        self.terminatedBySignal = terminatedBySignal
        self.stdout = stdout
        self.stderr = stderr
    }

    /// True when the process exited normally with status 0.
    public var succeeded: Bool { !terminatedBySignal && status == 0 }

    /// Standard output as UTF-8 text (lossy).
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    /// Standard error as UTF-8 text (lossy).
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    /// Both streams, stdout first, for diagnostics and for tools that log on either.
    public var combinedText: String { stdoutText + stderrText }

    /// A one-line description of how the process ended.
    public var exitDescription: String {
        terminatedBySignal ? "killed by signal \(status)" : "exit status \(status)"
    }
}
