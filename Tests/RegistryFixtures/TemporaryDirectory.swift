import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under this test process's own scratch folder
/// (`$TMPDIR/regkeeper-harness-<pid>/`, removed at exit); scratch folders that dead processes
/// left behind are removed the first time one is made.
public struct TemporaryDirectory: Sendable {
    /// The directory (mode 0755, so a less privileged child can traverse it).
    public let url: URL

    /// Creates `<scratch>/<prefix>-<uuid>`.
    public init(prefix: String) throws {
        let base = TemporaryDirectory.processScratch
        url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    }

    /// The path as a string.
    public var path: String { url.path }

    /// Removes the directory and everything in it, restoring permissions a test may have taken away.
    public func remove() {
        TemporaryDirectory.forceRemove(url)
    }

    /// Removes a tree even if a test made some of its directories unreadable.
    static func forceRemove(_ url: URL) {
        if (try? FileManager.default.removeItem(at: url)) != nil { return }
        _ = chmodTree(url.path)
        try? FileManager.default.removeItem(at: url)
    }

    private static func chmodTree(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            chmod(path, 0o755)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                _ = chmodTree(path + "/" + name)
            }
        }
        return true
    }

    /// This process's scratch folder, created (and stale siblings removed) on first use.
    static let processScratch: URL = {
        let tmp = URL(fileURLWithPath: NSTemporaryDirectory())
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: tmp.path)) ?? [] where name.hasPrefix("regkeeper-harness-") {
            if let pid = Int32(name.dropFirst("regkeeper-harness-".count)), pid != getpid(),
               kill(pid, 0) != 0, errno == ESRCH {
                forceRemove(tmp.appendingPathComponent(name))
            }
        }
        let url = tmp.appendingPathComponent("regkeeper-harness-\(getpid())")
        try? fm.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        chmod(url.path, 0o755)
        // Leave nothing behind when the test process exits normally.
        atexit { TemporaryDirectory.forceRemove(TemporaryDirectory.processScratch) }
        return url
    }()
}
