@preconcurrency import Glibc

/// Facts about the running process.
public enum POSIXProcess {
    /// Whether the process runs as root (and may set file ownership).
    public static var isRoot: Bool { geteuid() == 0 }
}
