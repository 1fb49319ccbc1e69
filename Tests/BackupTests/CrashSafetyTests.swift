import Foundation
import RegistryFixtures
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// An interrupted or failing backup leaves every earlier backup listed, intact and restorable,
/// and no partial archive that could be mistaken for a backup.
@Suite("crash safety")
struct CrashSafetyTests {
    /// A projects tree with one full backup of it, and the tree as it was then.
    private struct Setup {
        let scratch: TemporaryDirectory
        let projects: URL
        let destination: URL
        let full: BackupResult
        let snapshot: TreeSnapshot
        /// The backup directory's file names right after the full backup.
        let names: [String]

        /// Grows the tree by 4 MB of incompressible data, so the next archive is big.
        func grow() throws {
            try Files.writeFile(projects.appendingPathComponent("data/grown.bin"), Files.random(4_000_000, seed: 99))
        }

        /// Requires the backup directory to list only the full backup, and restoring it (newest and
        /// by id) to give the tree as it was.
        func expectEarlierBackupIntact(sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let listed = try await CLI.list(destination).backups.map(\.id)
            #expect(listed == [full.id], "listed \(listed)", sourceLocation: sourceLocation)
            for (index, id) in [nil, full.id].enumerated() {
                let target = scratch.url.appendingPathComponent("restore-\(UUID().uuidString.prefix(6))-\(index)")
                try await CLI.restore(from: destination, at: id, to: target)
                let differences = try TreeSnapshot.capture(target.appendingPathComponent("projects")).differences(from: snapshot)
                #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))", sourceLocation: sourceLocation)
            }
            let verify = try await CLI.verify(destination)
            #expect(verify.status == 0, "\(verify)", sourceLocation: sourceLocation)
        }
    }

    private func setUp() async throws -> Setup {
        let scratch = try TemporaryDirectory(prefix: "crash")
        let projects = scratch.url.appendingPathComponent("projects")
        try ProjectsTree.build(at: projects)
        let snapshot = try TreeSnapshot.capture(projects)
        let destination = scratch.url.appendingPathComponent("backups")
        let full = try await CLI.backup(to: destination, [("projects", projects)])
        return Setup(scratch: scratch, projects: projects, destination: destination, full: full, snapshot: snapshot,
                     names: Files.names(destination))
    }

    /// A backup killed in the middle of writing its archive (SIGXFSZ from a file-size limit)
    /// leaves a partial temporary file; `backups` ignores it, the earlier backup still
    /// restores, and the next backup succeeds and removes it.
    @Test("a backup killed mid-write leaves earlier backups intact and the next run cleans up")
    func killedRunLeavesEarlierBackupsIntact() async throws {
        let setup = try await setUp()
        defer { setup.scratch.remove() }
        try setup.grow()
        let killed = try await CLI.runWithFileSizeLimit(["backup", "--to", setup.destination.path, "projects=\(setup.projects.path)"],
                                                        bytes: 256 * 1024, ignoreSignal: false)
        #expect(killed.output.terminatedBySignal && killed.output.status == SIGXFSZ, "\(killed)")
        let leftovers = Files.names(setup.destination).filter { !setup.names.contains($0) }
        #expect(leftovers.count == 1 && leftovers[0].hasPrefix(".regkeeper-") && leftovers[0].hasSuffix(".tmp"),
                "the killed run left \(leftovers)")
        try await setup.expectEarlierBackupIntact()

        let next = try await CLI.backup(to: setup.destination, [("projects", setup.projects)])
        #expect(next.kind == "incremental" && next.parent == setup.full.id)
        #expect(Files.names(setup.destination).filter { $0.hasPrefix(".") }.isEmpty, "\(Files.names(setup.destination))")
        let target = setup.scratch.url.appendingPathComponent("after")
        try await CLI.restore(from: setup.destination, at: setup.full.id, to: target)
        #expect(try TreeSnapshot.capture(target.appendingPathComponent("projects")).differences(from: setup.snapshot).isEmpty)
    }

    /// What a run killed at any step can leave — a partial archive, a partial catalog, or an
    /// archive renamed into place whose catalog was never written — is not listed as a backup;
    /// the next run succeeds on the real chain and removes the temporaries.
    @Test("leftovers of a dead run are ignored by backups and the temporaries removed by the next backup")
    func staleLeftoversAreIgnoredAndRemoved() async throws {
        let setup = try await setUp()
        defer { setup.scratch.remove() }
        let temporaries = [".regkeeper-20991231T235959Z.tmp", ".regkeeper-20991231T235959Z.catalog.tmp"]
        let orphan = "20991231T235959Z-incr.tar.zst"
        for name in temporaries + [orphan] {
            try Files.writeFile(setup.destination.appendingPathComponent(name), Files.random(5000, seed: 5))
        }
        try await setup.expectEarlierBackupIntact()
        let next = try await CLI.backup(to: setup.destination, [("projects", setup.projects)])
        #expect(next.kind == "incremental" && next.parent == setup.full.id)
        let hidden = Files.names(setup.destination).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "still there: \(hidden)")
        #expect(try await CLI.list(setup.destination).backups.map(\.id) == [setup.full.id, next.id])
    }

    /// A write that fails in the middle of the archive (EFBIG past a file-size limit) exits 1,
    /// names the problem, and leaves no partial archive and no temporary file.
    @Test("a backup whose archive cannot be written exits 1 and leaves nothing behind")
    func failedWriteLeavesNothing() async throws {
        let setup = try await setUp()
        defer { setup.scratch.remove() }
        try setup.grow()
        let run = try await CLI.runWithFileSizeLimit(["backup", "--to", setup.destination.path, "projects=\(setup.projects.path)"],
                                                     bytes: 256 * 1024, ignoreSignal: true)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("File too large"), "\(run)")
        #expect(Files.names(setup.destination) == setup.names, "\(Files.names(setup.destination))")
        try await setup.expectEarlierBackupIntact()
    }

    /// A destination that cannot be created (its parent is a regular file) fails with exit 1
    /// and a message naming it.
    @Test("a destination under a regular file fails with exit 1")
    func destinationUnderRegularFileFails() async throws {
        let scratch = try TemporaryDirectory(prefix: "crash")
        defer { scratch.remove() }
        let projects = scratch.url.appendingPathComponent("projects")
        try ProjectsTree.build(at: projects)
        let blocker = scratch.url.appendingPathComponent("not-a-directory")
        try Files.writeFile(blocker, "a file\n")
        let run = try await CLI.run(["backup", "--to", blocker.appendingPathComponent("backups").path, "projects=\(projects.path)"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains(blocker.path), "\(run)")
        #expect(try String(contentsOf: blocker, encoding: .utf8) == "a file\n")
    }

    /// Whether this process can make a directory unwritable for regkeeper: `chattr +i` as root
    /// (root ignores permission bits), `chmod` otherwise.
    static func canFreezeDirectory() -> Bool {
        guard Files.isRoot else { return true }
        guard let probe = try? TemporaryDirectory(prefix: "probe") else { return false }
        defer { probe.remove() }
        return freeze(probe.url, true) && freeze(probe.url, false)
    }

    @discardableResult
    private static func freeze(_ directory: URL, _ frozen: Bool) -> Bool {
        if Files.isRoot {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
            process.arguments = [frozen ? "+i" : "-i", directory.path]
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return false }
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
        return chmod(directory.path, frozen ? 0o500 : 0o700) == 0
    }

    /// A destination directory nothing can be created in fails the backup with exit 1 and
    /// leaves the earlier backup as it was.
    @Test("an unwritable destination fails with exit 1 and keeps earlier backups",
          .enabled("needs chattr +i (root) or a non-root user") { CrashSafetyTests.canFreezeDirectory() })
    func unwritableDestinationFails() async throws {
        let setup = try await setUp()
        defer { setup.scratch.remove() }
        try setup.grow()
        try #require(Self.freeze(setup.destination, true))
        let run = try await CLI.run(["backup", "--to", setup.destination.path, "projects=\(setup.projects.path)"])
        Self.freeze(setup.destination, false)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains(setup.destination.path), "\(run)")
        #expect(Files.names(setup.destination) == setup.names)
        try await setup.expectEarlierBackupIntact()
    }

    /// While another process holds the backup directory's lock, a backup is refused (exit 1)
    /// with a message saying so, and writes nothing.
    @Test("a backup into a locked destination is refused")
    func lockedDestinationIsRefused() async throws {
        let setup = try await setUp()
        defer { setup.scratch.remove() }
        let fd = open(setup.destination.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        try #require(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let run = try await CLI.run(["backup", "--to", setup.destination.path, "projects=\(setup.projects.path)"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("another regkeeper"), "\(run)")
        #expect(Files.names(setup.destination) == setup.names)
    }
}
