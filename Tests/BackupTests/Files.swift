import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Small POSIX file operations with exact modes and nanosecond mtimes, for building source trees.
enum Files {
    /// A system call failed.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ call: String, _ path: String) { description = "\(call) \(path): \(String(cString: strerror(errno)))" }
    }

    /// Nanoseconds since the epoch for `seconds` plus `nanos`.
    static func ns(_ seconds: Int64, _ nanos: Int64 = 0) -> Int64 { seconds * 1_000_000_000 + nanos }

    /// Writes `bytes` to `url` (replacing it in place, same inode), then sets its mode and, if given, its mtime.
    static func writeFile(_ url: URL, _ bytes: [UInt8], mode: UInt32 = 0o644, mtime: Int64? = nil) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure("open", url.path) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard n > 0 else { throw Failure("write", url.path) }
            offset += n
        }
        guard fchmod(fd, mode_t(mode)) == 0 else { throw Failure("fchmod", url.path) }
        if let mtime { try setMtime(url, mtime) }
    }

    /// Writes UTF-8 text.
    static func writeFile(_ url: URL, _ text: String, mode: UInt32 = 0o644, mtime: Int64? = nil) throws {
        try writeFile(url, Array(text.utf8), mode: mode, mtime: mtime)
    }

    /// Creates a directory (and its parents, 0755) with `mode`.
    static func makeDirectory(_ url: URL, mode: UInt32 = 0o755) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard mkdir(url.path, mode_t(mode)) == 0 || errno == EEXIST else { throw Failure("mkdir", url.path) }
        guard chmod(url.path, mode_t(mode)) == 0 else { throw Failure("chmod", url.path) }
    }

    /// Creates a symlink at `url` holding `target`.
    static func makeSymlink(_ url: URL, to target: String, mtime: Int64? = nil) throws {
        guard symlink(target, url.path) == 0 else { throw Failure("symlink", url.path) }
        if let mtime { try setMtime(url, mtime) }
    }

    /// Sets the mtime (and atime) without following a symlink.
    static func setMtime(_ url: URL, _ nanoseconds: Int64) throws {
        var seconds = nanoseconds / 1_000_000_000
        var nanos = nanoseconds % 1_000_000_000
        if nanos < 0 { seconds -= 1; nanos += 1_000_000_000 }
        var times = [timespec(tv_sec: Int(seconds), tv_nsec: Int(nanos)), timespec(tv_sec: Int(seconds), tv_nsec: Int(nanos))]
        guard utimensat(AT_FDCWD, url.path, &times, AT_SYMLINK_NOFOLLOW) == 0 else { throw Failure("utimensat", url.path) }
    }

    /// The mtime in nanoseconds (not following a symlink).
    static func mtime(_ url: URL) throws -> Int64 {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { throw Failure("lstat", url.path) }
        return Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }

    /// `lstat` of a path, or nil if it does not exist.
    static func status(_ url: URL) -> stat? {
        var info = stat()
        return lstat(url.path, &info) == 0 ? info : nil
    }

    /// Sets owner and group without following a symlink.
    static func setOwner(_ url: URL, uid: UInt32, gid: UInt32) throws {
        guard lchown(url.path, uid, gid) == 0 else { throw Failure("lchown", url.path) }
    }

    /// Sets the permission bits.
    static func setMode(_ url: URL, _ mode: UInt32) throws {
        guard chmod(url.path, mode_t(mode)) == 0 else { throw Failure("chmod", url.path) }
    }

    /// Removes a file, symlink or whole tree.
    static func remove(_ url: URL) throws {
        try FileManager.default.removeItem(at: url)
    }

    /// Names in a directory (empty if it does not exist).
    static func names(_ url: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }

    /// Whether something (even a dangling symlink) exists at `url`.
    static func exists(_ url: URL) -> Bool { status(url) != nil }

    /// Deterministic pseudo-random bytes.
    static func random(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        var out = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            for _ in 0..<8 where i < count {
                out[i] = UInt8(truncatingIfNeeded: z)
                z >>= 8
                i += 1
            }
        }
        return out
    }

    /// Whether this process runs as root (ownership is restored only then).
    static var isRoot: Bool { geteuid() == 0 }
}
