import Foundation
import RegistryFixtures
import Testing

/// What an operator learns at backup and verify time must match what restore will do: a nightly
/// backup that succeeds silently and verifies OK must restore, and anything restore would refuse
/// is said at backup time.
@Suite("backup, verify and restore agree")
struct BackupIntegrityTests {
    /// Where a source's symlink leads.
    enum OutsideLink: String, CaseIterable, Sendable {
        case absolute, climbing
        var target: String { self == .absolute ? "/etc/hostname" : "../outside.txt" }
    }

    /// A source holding a symlink that leads outside it (common in real projects directories):
    /// `backup` and `verify` warn about it, `restore` refuses it by default with a message naming
    /// the way out, and `--allow-external-symlinks` restores it as it was.
    @Test("a symlink leading outside its source is warned about, refused by default, restored on request", arguments: OutsideLink.allCases)
    func outsideSymlinkIsWarnedRefusedAndRestorableOnRequest(link: OutsideLink) async throws {
        let scratch = try TemporaryDirectory(prefix: "agree")
        defer { scratch.remove() }
        let projects = scratch.url.appendingPathComponent("projects")
        try Files.makeDirectory(projects)
        try Files.writeFile(projects.appendingPathComponent("compose.yml"), "services: {}\n")
        try Files.makeSymlink(projects.appendingPathComponent("outside-link"), to: link.target)
        let destination = scratch.url.appendingPathComponent("backups")
        let backup = try await CLI.backup(to: destination, [("projects", projects)])
        #expect(backup.warnings.contains { $0.contains("outside-link") && $0.contains("--allow-external-symlinks") }, "\(backup.warnings)")

        let verify = try await CLI.verify(destination)
        #expect(verify.status == 0, "\(verify)")
        #expect(verify.stdout.contains("outside-link"), "verify does not mention the link:\n\(verify)")

        let refusedTarget = scratch.url.appendingPathComponent("refused")
        let refused = try await CLI.restoreRun(from: destination, to: refusedTarget)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("outside-link") && refused.stderr.contains("--allow-external-symlinks"), "\(refused)")
        #expect(!Files.exists(refusedTarget.appendingPathComponent("projects")))

        let allowedTarget = scratch.url.appendingPathComponent("allowed")
        let allowed = try await CLI.run(["restore", "--allow-external-symlinks", "--from", destination.path, "--to", allowedTarget.path])
        #expect(allowed.status == 0, "\(allowed)")
        let restoredLink = allowedTarget.appendingPathComponent("projects/outside-link").path
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: restoredLink)) == link.target)
    }

    /// A registry blob whose content no longer matches its digest (bit rot, a torn write) makes
    /// the whole restore fail later; the backup must say so when it reads it (a warning naming
    /// the blob, or failing).
    @Test("a registry blob whose content does not match its digest is reported by backup")
    func corruptBlobIsReportedByBackup() async throws {
        let scratch = try TemporaryDirectory(prefix: "agree")
        defer { scratch.remove() }
        let store = try await FixtureCopy.make()
        defer { store.remove() }
        let tag = try #require(store.record.tags.first)
        let blob = StoreLayout.blobData(store.root, tag.digest)
        var bytes = Array(try Data(contentsOf: blob))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: blob)
        let hex = ContentDigest.hexPart(tag.digest)
        let run = try await CLI.run(["backup", "--json", "--to", scratch.url.appendingPathComponent("backups").path,
                                     "registry=\(store.root.path)"])
        let warned = run.status == 0 && (try? run.decode(BackupResult.self))?.warnings.contains { $0.contains(hex) } == true
        let failed = run.status == 1 && run.stderr.contains(hex)
        #expect(warned || failed, "backup neither warned about nor failed on blob \(hex):\n\(run)")
    }
}
