import Foundation
import RegistryFixtures
import Testing

/// `backups --json`, `restore --at ID` with its ids, restoring one `NAME/SUBPATH`, and usage errors.
@Suite("listing and selective restore")
struct ListingTests {
    /// Three backups of a projects tree (full, incremental, forced full) with changes between them.
    private struct Setup {
        let scratch: TemporaryDirectory
        let projects: URL
        let destination: URL
        let results: [BackupResult]
        let snapshots: [TreeSnapshot]
    }

    private func setUp() async throws -> Setup {
        let scratch = try TemporaryDirectory(prefix: "listing")
        let projects = scratch.url.appendingPathComponent("projects")
        let destination = scratch.url.appendingPathComponent("backups")
        try ProjectsTree.build(at: projects)
        var results: [BackupResult] = []
        var snapshots: [TreeSnapshot] = []
        for step in 0..<3 {
            if step == 1 { try ProjectsTree.changeFirst(at: projects) }
            if step == 2 { try ProjectsTree.changeSecond(at: projects) }
            snapshots.append(try TreeSnapshot.capture(projects))
            results.append(try await CLI.backup(to: destination, [("projects", projects)], step == 2 ? ["--full"] : []))
        }
        return Setup(scratch: scratch, projects: projects, destination: destination, results: results, snapshots: snapshots)
    }

    /// Oldest first, one item per backup, with the ids `backup --json` reported, kinds
    /// full/incremental/full, each incremental's parent, an RFC 3339 `created`, and the archive
    /// names the documentation gives (`<id>-full.tar.zst`, `<id>-incr.tar.zst`).
    @Test("backups --json lists every backup oldest first with id, kind, parent and created")
    func listingShapeAndOrder() async throws {
        let setup = try await setUp()
        defer { setup.scratch.remove() }
        let listed = try await CLI.list(setup.destination).backups
        #expect(listed.map(\.id) == setup.results.map(\.id))
        #expect(listed.map(\.id) == listed.map(\.id).sorted(), "ids do not sort in time order")
        #expect(Set(listed.map(\.id)).count == 3)
        #expect(listed.map(\.kind) == ["full", "incremental", "full"])
        #expect(listed.map(\.parent) == [nil, setup.results[0].id, nil])
        #expect(listed.map(\.archive) == ["\(listed[0].id)-full.tar.zst", "\(listed[1].id)-incr.tar.zst", "\(listed[2].id)-full.tar.zst"])
        let formatter = ISO8601DateFormatter()
        for item in listed {
            #expect(formatter.date(from: item.created) != nil, "created '\(item.created)' is not RFC 3339")
        }
        let names = Files.names(setup.destination)
        for item in listed {
            #expect(names.contains(item.archive) && names.contains("\(item.id).catalog.zst"), "\(names)")
        }
    }

    /// `restore --at` with the middle id from the listing gives the tree as it was then, although
    /// a newer full backup exists.
    @Test("restore --at an id from backups --json restores that point")
    func restoreAtListedID() async throws {
        let setup = try await setUp()
        defer { setup.scratch.remove() }
        let listed = try await CLI.list(setup.destination).backups
        for (index, item) in listed.enumerated() {
            let target = setup.scratch.url.appendingPathComponent("at-\(index)")
            try await CLI.restore(from: setup.destination, at: item.id, to: target)
            let differences = try TreeSnapshot.capture(target.appendingPathComponent("projects")).differences(from: setup.snapshots[index])
            #expect(differences.isEmpty, "at \(item.id):\n\(differences.joined(separator: "\n"))")
        }
    }

    /// Restoring `projects/nginx/conf.d` gives exactly that subtree (content, modes, mtimes) under
    /// its ancestors, and nothing else of the backup.
    @Test("restoring NAME/SUBPATH restores only that subtree")
    func restoreSubpath() async throws {
        let setup = try await setUp()
        defer { setup.scratch.remove() }
        let target = setup.scratch.url.appendingPathComponent("subset")
        try await CLI.restore(from: setup.destination, at: setup.results[1].id, to: target, ["projects/nginx/conf.d"])
        let restored = try TreeSnapshot.capture(target)
        let expected = setup.snapshots[1].subtree("nginx/conf.d")
        let differences = restored.subtree("projects/nginx/conf.d").differences(from: expected)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        let outsideSubtree = restored.entries.keys.filter { !$0.hasPrefix("projects/nginx/conf.d") }.sorted()
        #expect(outsideSubtree == ["", "projects", "projects/nginx"], "restored beyond the selection: \(outsideSubtree)")
    }

    /// An id that is not in the backup directory fails with exit 1, naming it, and creates nothing.
    @Test("restore --at an unknown id fails naming it")
    func restoreUnknownID() async throws {
        let setup = try await setUp()
        defer { setup.scratch.remove() }
        let target = setup.scratch.url.appendingPathComponent("unknown")
        let run = try await CLI.restoreRun(from: setup.destination, at: "20000101T000000Z", to: target)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("20000101T000000Z"), "\(run)")
        #expect(!Files.exists(target.appendingPathComponent("projects")))
    }

    /// `DIR/NAME` must be absent or empty: a non-empty one fails the restore (exit 1, naming it)
    /// and keeps exactly what it held; an empty one is filled.
    @Test("restore refuses a non-empty DIR/NAME and leaves it as it was")
    func restoreRefusesNonEmptyTarget() async throws {
        let setup = try await setUp()
        defer { setup.scratch.remove() }
        let target = setup.scratch.url.appendingPathComponent("occupied")
        try Files.makeDirectory(target.appendingPathComponent("projects"))
        try Files.writeFile(target.appendingPathComponent("projects/precious.txt"), "keep me\n")
        let before = try TreeSnapshot.capture(target)
        let run = try await CLI.restoreRun(from: setup.destination, to: target)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains(target.appendingPathComponent("projects").path), "\(run)")
        let after = try TreeSnapshot.capture(target)
        #expect(after.subtree("projects").differences(from: before.subtree("projects")).isEmpty)
        #expect(Files.names(target) == ["projects"], "\(Files.names(target))")

        let empty = setup.scratch.url.appendingPathComponent("empty-name")
        try Files.makeDirectory(empty.appendingPathComponent("projects"))
        try await CLI.restore(from: setup.destination, to: empty)
        #expect(try TreeSnapshot.capture(empty.appendingPathComponent("projects")).differences(from: setup.snapshots[2]).isEmpty)
    }

    /// Command lines that are wrong.
    enum Misuse: String, CaseIterable, Sendable {
        case backupWithoutDestination, backupWithoutSources, backupBadSource, backupBadCompression, restoreWithoutTarget, unknownOption

        func arguments(_ scratch: URL) -> [String] {
            let dest = scratch.appendingPathComponent("backups").path
            switch self {
            case .backupWithoutDestination: return ["backup", "p=\(scratch.path)"]
            case .backupWithoutSources: return ["backup", "--to", dest]
            case .backupBadSource: return ["backup", "--to", dest, "no-equals-sign"]
            case .backupBadCompression: return ["backup", "--to", dest, "--compression", "gzip", "p=\(scratch.path)"]
            case .restoreWithoutTarget: return ["restore", "--from", dest]
            case .unknownOption: return ["backups", "--from", dest, "--bogus"]
            }
        }
    }

    /// Usage errors exit 2 with a message on stderr and write no backup.
    @Test("a wrong command line exits 2", arguments: Misuse.allCases)
    func usageErrorsExit2(misuse: Misuse) async throws {
        let scratch = try TemporaryDirectory(prefix: "usage")
        defer { scratch.remove() }
        let run = try await CLI.run(misuse.arguments(scratch.url))
        #expect(run.status == 2, "\(run)")
        #expect(!run.stderr.isEmpty)
        #expect(!Files.exists(scratch.url.appendingPathComponent("backups")))
    }
}
