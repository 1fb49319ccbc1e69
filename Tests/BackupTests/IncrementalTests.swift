import Foundation
import RegistryFixtures
import Testing

/// Incrementals read only what changed: by size, mtime, ctime and inode for ordinary files, and
/// never again for registry blobs already in the chain.
@Suite("incremental backups")
struct IncrementalTests {
    /// A store copy and a projects tree with one full backup of both.
    private struct Setup {
        let scratch: TemporaryDirectory
        let store: FixtureCopy
        let projects: URL
        let destination: URL
        let full: BackupResult
        var sources: [(String, URL)] { [("registry", store.root), ("projects", projects)] }

        func remove() {
            scratch.remove()
            store.remove()
        }

        /// Every regular file of both sources now, as (archive path, size).
        func files() throws -> [String: Int64] {
            var result: [String: Int64] = [:]
            for (name, root) in sources {
                for entry in try TreeSnapshot.capture(root).entries.values where entry.kind == .file {
                    result[name + "/" + entry.path] = entry.size
                }
            }
            return result
        }

        /// Paths of the regular files the archive's tar stream holds (listed with stock tools).
        func filesStored(in result: BackupResult) async throws -> Set<String> {
            let archive = destination.appendingPathComponent(result.archive)
            let listing = try await Subprocess.run("sh", ["-c", "zstd -q -dc '\(archive.path)' | tar -tv --quoting-style=literal"])
            guard listing.succeeded else { throw CommandFailure(command: "tar -tv", output: listing) }
            let all = try files()
            return Set(listing.stdoutText.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("-") else { return nil }
                return all.keys.first { line.hasSuffix(" " + $0) }
            })
        }
    }

    private func setUp() async throws -> Setup {
        let scratch = try TemporaryDirectory(prefix: "incremental")
        let store = try await FixtureCopy.make()
        let projects = scratch.url.appendingPathComponent("projects")
        try ProjectsTree.build(at: projects)
        let destination = scratch.url.appendingPathComponent("backups")
        let full = try await CLI.backup(to: destination, [("registry", store.root), ("projects", projects)])
        guard full.kind == "full" else { throw ScenarioError("first backup is \(full.kind)") }
        return Setup(scratch: scratch, store: store, projects: projects, destination: destination, full: full)
    }

    /// After editing one file and adding another, `--json` reports exactly those two as read,
    /// with exactly their bytes, everything else skipped — and the archive holds only them.
    @Test("an incremental after a small change reads exactly the changed files")
    func readsOnlyChangedFiles() async throws {
        let setup = try await setUp()
        defer { setup.remove() }
        let edited = setup.projects.appendingPathComponent("nginx/conf.d/default.conf")
        let added = setup.projects.appendingPathComponent("nginx/conf.d/added.conf")
        try Files.writeFile(edited, "server { listen 443 ssl; }\n# edited after the full backup\n")
        try Files.writeFile(added, "# new\n")
        let files = try setup.files()
        let changed = ["projects/nginx/conf.d/default.conf", "projects/nginx/conf.d/added.conf"]
        let changedBytes = changed.reduce(Int64(0)) { $0 + files[$1]! }

        let incremental = try await CLI.backup(to: setup.destination, setup.sources)
        #expect(incremental.kind == "incremental" && incremental.parent == setup.full.id)
        #expect(incremental.filesRead == 2, "filesRead \(incremental.filesRead)")
        #expect(incremental.bytesRead == changedBytes, "bytesRead \(incremental.bytesRead), changed files hold \(changedBytes)")
        #expect(incremental.filesSkipped == files.count - 2, "filesSkipped \(incremental.filesSkipped) of \(files.count) files")
        #expect(incremental.bytesSkipped == files.values.reduce(0, +) - changedBytes)
        #expect(try await setup.filesStored(in: incremental) == Set(changed))
    }

    /// Touching every blob (new mtime and ctime) and replacing one by a copy (new inode too)
    /// reads no blob again: they are named by their digest and already in the chain.
    @Test("registry blobs already in the chain are not read again even with new mtimes, ctimes and inodes")
    func touchedBlobsAreNotReadAgain() async throws {
        let setup = try await setUp()
        defer { setup.remove() }
        let blobs = try setup.files().keys.filter { $0.hasPrefix("registry/docker/registry/v2/blobs/") }.sorted()
        try #require(blobs.count > 10)
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        for (index, blob) in blobs.enumerated() {
            try Files.setMtime(setup.store.root.appendingPathComponent(String(blob.dropFirst("registry/".count))), now + Int64(index))
        }
        let replaced = setup.store.root.appendingPathComponent(String(blobs[0].dropFirst("registry/".count)))
        let inode = try #require(Files.status(replaced)).st_ino
        let copy = replaced.deletingLastPathComponent().appendingPathComponent("data.copy")
        try FileManager.default.copyItem(at: replaced, to: copy)
        try FileManager.default.removeItem(at: replaced)
        try FileManager.default.moveItem(at: copy, to: replaced)
        try #require(Files.status(replaced)!.st_ino != inode)

        let incremental = try await CLI.backup(to: setup.destination, setup.sources)
        #expect(incremental.filesRead == 0, "filesRead \(incremental.filesRead)")
        #expect(incremental.bytesRead == 0)
        #expect(try await setup.filesStored(in: incremental).isEmpty)
    }

    /// A file rewritten in place with the same size and its old mtime put back is still read
    /// again (its ctime changed), and the restore gives the new content.
    @Test("a file rewritten with its size and mtime unchanged is read again")
    func ctimeOnlyChangeIsReadAgain() async throws {
        let setup = try await setUp()
        defer { setup.remove() }
        let file = setup.projects.appendingPathComponent(".env")
        let mtime = try Files.mtime(file)
        let old = try Data(contentsOf: file)
        let new = Data(old.map { $0 == UInt8(ascii: "0") ? UInt8(ascii: "9") : $0 })
        try #require(new != old && new.count == old.count)
        try Files.writeFile(file, Array(new), mode: 0o600, mtime: mtime)

        let incremental = try await CLI.backup(to: setup.destination, setup.sources)
        #expect(incremental.filesRead == 1, "filesRead \(incremental.filesRead)")
        #expect(try await setup.filesStored(in: incremental) == ["projects/.env"])
        let target = setup.scratch.url.appendingPathComponent("restored")
        try await CLI.restore(from: setup.destination, to: target, ["projects/.env"])
        #expect(try Data(contentsOf: target.appendingPathComponent("projects/.env")) == new)
    }
}
