import Foundation
import Hashing
import RegistryFixtures

#if canImport(Glibc)
import Glibc
#endif

/// One node of a tree as `lstat` sees it, with what a restore must bring back: type, size, mode,
/// owner, mtime (ns), symlink target, and the SHA-256 of a file's content (streamed, so large
/// files cost no memory).
struct TreeEntry: Hashable, Sendable, CustomStringConvertible {
    enum Kind: String, Sendable { case file, directory, symlink, other }

    /// Path relative to the snapshot root ("" is the root itself).
    let path: String
    let kind: Kind
    /// `st_size` of files (0 for directories, whose size is filesystem-specific).
    let size: Int64
    let mode: UInt32
    let uid: UInt32
    let gid: UInt32
    let mtime: Int64
    let target: String?
    let sha256: String?

    var description: String {
        "\(kind.rawValue) '\(path)' size=\(size) mode=\(String(mode, radix: 8)) owner=\(uid):\(gid) mtime=\(mtime)"
            + (target.map { " -> \($0)" } ?? "") + (sha256.map { " sha256=\($0.prefix(12))" } ?? "")
    }
}

/// Every node under a root, to compare a restored tree with its source.
struct TreeSnapshot: Equatable, Sendable {
    /// Entries by path relative to the root.
    let entries: [String: TreeEntry]

    /// Walks `root` without following symlinks.
    static func capture(_ root: URL) throws -> TreeSnapshot {
        var entries: [String: TreeEntry] = [:]
        let hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        try walk(root.path, relative: "", hasher: hasher, buffer: &buffer, into: &entries)
        return TreeSnapshot(entries: entries)
    }

    /// The part below `prefix` (a relative path), re-rooted there.
    func subtree(_ prefix: String) -> TreeSnapshot {
        var result: [String: TreeEntry] = [:]
        for (path, entry) in entries where path == prefix || path.hasPrefix(prefix + "/") {
            let relative = path == prefix ? "" : String(path.dropFirst(prefix.count + 1))
            result[relative] = TreeEntry(path: relative, kind: entry.kind, size: entry.size, mode: entry.mode, uid: entry.uid,
                                         gid: entry.gid, mtime: entry.mtime, target: entry.target, sha256: entry.sha256)
        }
        return TreeSnapshot(entries: result)
    }

    /// Human-readable differences (added, removed, changed paths); empty when equal.
    func differences(from expected: TreeSnapshot, limit: Int = 30) -> [String] {
        var lines: [String] = []
        for path in Set(expected.entries.keys).union(entries.keys).sorted() {
            switch (expected.entries[path], entries[path]) {
            case (nil, let now?): lines.append("unexpected \(now)")
            case (let was?, nil): lines.append("missing    \(was)")
            case (let was?, let now?) where was != now: lines.append("differs    \(was)\n        got \(now)")
            default: break
            }
        }
        return lines.count > limit ? Array(lines.prefix(limit)) + ["... \(lines.count - limit) more"] : lines
    }

    /// Paths of regular files.
    var files: Set<String> { Set(entries.values.filter { $0.kind == .file }.map(\.path)) }

    private static func walk(_ path: String, relative: String, hasher: SHA256, buffer: inout [UInt8],
                             into entries: inout [String: TreeEntry]) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw SnapshotError(path: path, call: "lstat") }
        let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        var kind = TreeEntry.Kind.other
        var target: String?
        var digest: String?
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            kind = .file
            digest = try hash(path, hasher: hasher, buffer: &buffer)
        case S_IFDIR:
            kind = .directory
        case S_IFLNK:
            kind = .symlink
            target = try FileManager.default.destinationOfSymbolicLink(atPath: path)
        default:
            break
        }
        entries[relative] = TreeEntry(
            path: relative, kind: kind, size: kind == .file ? Int64(info.st_size) : 0, mode: UInt32(info.st_mode & 0o7777),
            uid: info.st_uid, gid: info.st_gid, mtime: mtime, target: target, sha256: digest)
        guard kind == .directory else { return }
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            try walk(path + "/" + name, relative: relative.isEmpty ? name : relative + "/" + name,
                     hasher: hasher, buffer: &buffer, into: &entries)
        }
    }

    /// SHA-256 hex of a file's content, read in 1 MiB pieces.
    static func hash(_ path: String, hasher: SHA256 = SHA256(), buffer: inout [UInt8]) throws -> String {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw SnapshotError(path: path, call: "open") }
        defer { close(fd) }
        hasher.reset()
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n >= 0 else { throw SnapshotError(path: path, call: "read") }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return ContentDigest.hexString(hasher.finalize())
    }

    /// SHA-256 hex of a file's content.
    static func hash(_ url: URL) throws -> String {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        return try hash(url.path, buffer: &buffer)
    }
}

/// A system call failed while taking a snapshot.
struct SnapshotError: Error, CustomStringConvertible {
    let path: String
    let call: String
    let code: Int32 = errno
    var description: String { "\(call) \(path): \(String(cString: strerror(code)))" }
}
