import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Everything under a store root — every file, directory and symlink with type, size, mode,
/// mtime and content hash — to prove a run "changed no file", plus the views tests need
/// (blobs present, revision links, uploads).
public struct StoreSnapshot: Equatable, Sendable {
    /// Entries by path relative to the root.
    public let entries: [String: StoreEntry]

    /// Walks `root` (not following symlinks) and records every node below it.
    public static func capture(_ root: URL) throws -> StoreSnapshot {
        var entries: [String: StoreEntry] = [:]
        try walk(root.path, relative: "", into: &entries)
        return StoreSnapshot(entries: entries)
    }

    /// Digests of the blobs present: every `blobs/sha256/<xx>/<hex>/data` file.
    public var blobDigests: Set<String> {
        var result = Set<String>()
        for (path, entry) in entries where entry.kind == .file {
            let parts = path.split(separator: "/")
            if parts.count == 8, parts[0] == "docker", parts[3] == "blobs", parts[4] == "sha256", parts[7] == "data" {
                result.insert("sha256:" + parts[6])
            }
        }
        return result
    }

    /// Size of each present blob, by digest.
    public var blobSizes: [String: Int64] {
        var sizes: [String: Int64] = [:]
        for digest in blobDigests {
            let hex = ContentDigest.hexPart(digest)
            sizes[digest] = entries["docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"]?.size
        }
        return sizes
    }

    /// Every revision whose `link` file exists, as (repository, digest named by the path).
    public var revisionLinks: [RepositoryDigest] {
        links(marker: ["_manifests", "revisions", "sha256"])
    }

    /// Every `_layers` link file, as (repository, digest named by the path).
    public var layerLinks: [RepositoryDigest] {
        links(marker: ["_layers", "sha256"])
    }

    /// Every `_uploads/<uuid>` directory, as "repository/_uploads/uuid" relative paths.
    public var uploadDirectories: Set<String> {
        Set(entries.values.filter { entry in
            let parts = entry.path.split(separator: "/")
            return entry.kind == .directory && parts.count >= 2 && parts[parts.count - 2] == "_uploads"
        }.map(\.path))
    }

    /// Human-readable differences (added, removed, changed paths), empty when equal.
    public func differences(from before: StoreSnapshot, limit: Int = 40) -> [String] {
        var lines: [String] = []
        for path in Set(before.entries.keys).union(entries.keys).sorted() {
            switch (before.entries[path], entries[path]) {
            case (nil, let now?): lines.append("added   \(now)")
            case (let was?, nil): lines.append("removed \(was)")
            case (let was?, let now?) where was != now: lines.append("changed \(was)\n     -> \(now)")
            default: break
            }
        }
        if lines.count > limit { return Array(lines.prefix(limit)) + ["... \(lines.count - limit) more"] }
        return lines
    }

    private func links(marker: [Substring]) -> [RepositoryDigest] {
        var result: [RepositoryDigest] = []
        let prefix = ["docker", "registry", "v2", "repositories"] as [Substring]
        for (path, entry) in entries where entry.kind == .file && path.hasSuffix("/link") {
            let parts = path.split(separator: "/")
            guard parts.count > prefix.count + marker.count + 2, Array(parts.prefix(4)) == prefix else { continue }
            let tail = parts.count - marker.count - 2
            guard Array(parts[tail..<(tail + marker.count)]) == marker else { continue }
            let repository = parts[4..<tail].joined(separator: "/")
            result.append(RepositoryDigest(repository: repository, digest: "sha256:" + parts[parts.count - 2]))
        }
        return result.sorted { ($0.repository, $0.digest) < ($1.repository, $1.digest) }
    }

    private static func walk(_ directory: String, relative: String, into entries: inout [String: StoreEntry]) throws {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            if !relative.isEmpty {
                // An unreadable directory: its own entry is recorded; mark that its contents are unknown.
                entries[relative + "/<unreadable>"] = StoreEntry(
                    path: relative + "/<unreadable>", kind: .other, size: 0, mode: 0, mtimeNanoseconds: 0, contentHash: nil)
                return
            }
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: directory])
        }
        for name in names {
            let full = directory + "/" + name
            let rel = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(full, &info) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            let type = info.st_mode & S_IFMT
            let kind: StoreEntry.Kind
            var hash: String?
            switch type {
            case S_IFREG:
                kind = .file
                hash = (try? Data(contentsOf: URL(fileURLWithPath: full))).map(ContentDigest.of)
            case S_IFDIR:
                kind = .directory
            case S_IFLNK:
                kind = .symlink
                hash = (try? FileManager.default.destinationOfSymbolicLink(atPath: full)).map { ContentDigest.of(Data($0.utf8)) }
            default:
                kind = .other
            }
            entries[rel] = StoreEntry(
                path: rel, kind: kind, size: Int64(info.st_size), mode: UInt32(info.st_mode & 0o7777),
                mtimeNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                contentHash: hash)
            if kind == .directory { try walk(full, relative: rel, into: &entries) }
        }
    }
}
