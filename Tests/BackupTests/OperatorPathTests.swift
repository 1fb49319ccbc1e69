import Foundation
import RegistryFixtures
import Testing

/// Paths the operator types (`--to`, `--from`, `NAME=PATH`, restore `--to`) are ordinary paths:
/// a symlink on the way (e.g. `/backups -> /mnt/disk/backups`) must work like it does for `tar`,
/// `mkdir -p` and `cp`. (Only archive entries must never go through symlinks.)
@Suite("operator paths through symlinks")
struct OperatorPathTests {
    /// Where the symlink is.
    enum Case: String, CaseIterable, Sendable {
        /// `--to LINK/backups` with `LINK -> real directory`.
        case destinationBelowSymlink
        /// `--to LINK` with `LINK -> real backup directory`; `--from LINK` likewise.
        case destinationIsSymlink
        /// `projects=LINK` with `LINK -> real projects directory`.
        case sourceIsSymlink
        /// `restore --to LINK/restored` with `LINK -> real directory`.
        case restoreTargetBelowSymlink
    }

    /// Backs up a small tree and restores it, with the symlink where the case puts it; both
    /// commands succeed and the restored file is there.
    @Test("backup and restore accept operator paths through a symlink", arguments: Case.allCases)
    func symlinkedOperatorPathsWork(path: Case) async throws {
        let scratch = try TemporaryDirectory(prefix: "paths")
        defer { scratch.remove() }
        let url = scratch.url
        let projects = url.appendingPathComponent("real-projects")
        try Files.makeDirectory(projects)
        try Files.writeFile(projects.appendingPathComponent("compose.yml"), "services: {}\n")
        try Files.makeDirectory(url.appendingPathComponent("mnt/disk"))
        try Files.makeSymlink(url.appendingPathComponent("link"), to: url.appendingPathComponent("mnt/disk").path)

        var destination = url.appendingPathComponent("backups")
        var source = projects
        var target = url.appendingPathComponent("restored")
        switch path {
        case .destinationBelowSymlink:
            destination = url.appendingPathComponent("link/backups")
        case .destinationIsSymlink:
            try Files.makeDirectory(url.appendingPathComponent("mnt/disk/backups"))
            try Files.makeSymlink(url.appendingPathComponent("backups-link"), to: url.appendingPathComponent("mnt/disk/backups").path)
            destination = url.appendingPathComponent("backups-link")
        case .sourceIsSymlink:
            try Files.makeSymlink(url.appendingPathComponent("projects-link"), to: projects.path)
            source = url.appendingPathComponent("projects-link")
        case .restoreTargetBelowSymlink:
            target = url.appendingPathComponent("link/restored")
        }
        let backup = try await CLI.run(["backup", "--to", destination.path, "projects=\(source.path)"])
        try #require(backup.status == 0, "\(backup)")
        let restore = try await CLI.restoreRun(from: destination, to: target)
        #expect(restore.status == 0, "\(restore)")
        #expect(Files.exists(target.appendingPathComponent("projects/compose.yml")))
    }
}
