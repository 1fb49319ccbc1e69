import Foundation
import RegistryFixtures

#if canImport(Glibc)
import Glibc
#endif

/// Small edits of store files the tests make: times, damage, and views of snapshots.
enum StoreFiles {
    /// Sets a file's mtime and atime (the file itself, not a symlink target) to whole seconds since the epoch.
    static func setModified(_ url: URL, to seconds: Int) throws {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        guard utimensat(AT_FDCWD, url.path, &times, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw FixtureError("utimensat \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Makes an upload session look started at `seconds`: rewrites `startedat` as the registry
    /// writes it (RFC 3339, seconds, UTC, no newline) and backdates its files.
    static func ageUpload(_ directory: URL, to seconds: Int) throws {
        try Data(rfc3339(seconds).utf8).write(to: directory.appendingPathComponent("startedat"))
        let files = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String } ?? []
        for file in files { try setModified(directory.appendingPathComponent(file), to: seconds) }
        try setModified(directory, to: seconds)
    }

    /// `2024-05-01T12:00:00Z` for whole seconds since the epoch.
    static func rfc3339(_ seconds: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// Inverts one byte in the middle of a file, keeping its size and mtime.
    static func flipByte(_ url: URL) throws {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { throw FixtureError("lstat \(url.path)") }
        var data = try Data(contentsOf: url)
        data[data.count / 2] ^= 0xFF
        try data.write(to: url)
        try setModified(url, to: Int(info.st_mtim.tv_sec))
    }

    /// `path` relative to the store root, as snapshots key their entries.
    static func relative(_ url: URL, in root: URL) -> String { StoreLayout.relative(url, to: root) }
}

extension StoreSnapshot {
    /// Paths present before and gone now.
    func removedPaths(since before: StoreSnapshot) -> Set<String> { Set(before.entries.keys).subtracting(entries.keys) }

    /// Paths present now and not before.
    func addedPaths(since before: StoreSnapshot) -> Set<String> { Set(entries.keys).subtracting(before.entries.keys) }

    /// Paths present in both whose entry changed, ignoring a directory's mtime (which any
    /// removal inside it changes).
    func changedPaths(since before: StoreSnapshot) -> Set<String> {
        var changed = Set<String>()
        for (path, now) in entries {
            guard let was = before.entries[path], was != now else { continue }
            if was.kind == .directory, now.kind == .directory, was.mode == now.mode { continue }
            changed.insert(path)
        }
        return changed
    }

    /// The entries below one repository (`docker/registry/v2/repositories/<name>/`), nested repositories included.
    func entries(under repository: String) -> [String: StoreEntry] {
        let prefix = "docker/registry/v2/repositories/\(repository)/"
        return entries.filter { $0.key.hasPrefix(prefix) }
    }

    /// The `_uploads/<id>` directories, by upload id, with the size of their `data` file.
    func uploadSizes() -> [String: Int64] {
        var sizes: [String: Int64] = [:]
        for path in uploadDirectories {
            sizes[String(path.split(separator: "/").last!)] = entries[path + "/data"]?.size ?? 0
        }
        return sizes
    }
}
