@preconcurrency import Glibc

/// Facts about the running process.
public enum POSIXProcess {
    /// Whether the process runs as root (and may set file ownership).
    public static var isRoot: Bool { geteuid() == 0 }

    /// Online processors.
    public static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Sleeps for at least `nanoseconds`.
    public static func sleep(nanoseconds: Int64) {
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    /// Nanoseconds since the epoch.
    public static var wallClockNanoseconds: Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
