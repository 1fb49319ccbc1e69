import Foundation
import RegistryFixtures
import Testing

/// A scratch world for one restore that must be refused: `backups/` (the backup directory),
/// `outside/` (a sentinel a hostile archive aims at), `cwd/` (regkeeper's working directory) and
/// `target` (the restore's DIR, not created beforehand).
struct RefusalWorld {
    let directory: TemporaryDirectory
    var url: URL { directory.url }
    var backups: URL { url.appendingPathComponent("backups") }
    var outside: URL { url.appendingPathComponent("outside") }
    var cwd: URL { url.appendingPathComponent("cwd") }
    var target: URL { url.appendingPathComponent("target") }

    init() throws {
        directory = try TemporaryDirectory(prefix: "refusal")
        try Files.makeDirectory(url.appendingPathComponent("outside"))
        try Files.writeFile(url.appendingPathComponent("outside/sentinel.txt"), "must stay as it is\n")
        try Files.makeDirectory(url.appendingPathComponent("cwd"))
    }

    /// `regkeeper restore --from backups --to target [SELECTIONS]`, run from `cwd/`.
    func restore(_ selections: [String] = []) async throws -> CLIRun {
        let arguments = ["restore", "--from", backups.path, "--to", target.path] + selections
        let output = try await Subprocess.run("sh", ["-c", "cd \"$0\" && exec \"$@\"", cwd.path, try CLI.binaryPath()] + arguments)
        return CLIRun(arguments: arguments, output: output)
    }

    /// Everything outside `backups/` and `target/`.
    func outsideState() throws -> TreeSnapshot {
        let all = try TreeSnapshot.capture(url)
        return TreeSnapshot(entries: all.entries.filter { path, _ in
            !(path.isEmpty || path.hasPrefix("backups") || path == "target" || path.hasPrefix("target/"))
        })
    }

    /// Requires a refused restore: exit 1, stderr naming the problem, nothing new anywhere in
    /// the world outside `backups/` and the target, and the target holding nothing (no
    /// `target/NAME`, no staging directory left behind).
    func expectRefused(_ run: CLIRun, naming fragments: [String], before: TreeSnapshot,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(run.status == 1, "\(run)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(run.stderr.contains(fragment), "stderr does not name '\(fragment)': \(run.stderr)", sourceLocation: sourceLocation)
        }
        let after = try outsideState()
        let differences = after.differences(from: before)
        #expect(differences.isEmpty, "written outside the target:\n\(differences.joined(separator: "\n"))", sourceLocation: sourceLocation)
        #expect(Files.names(target).isEmpty, "left in the target: \(Files.names(target))", sourceLocation: sourceLocation)
    }
}

/// Damaged and hostile archives: each restore is refused with a message naming the problem,
/// before anything is written outside the target or into `DIR/NAME`.
@Suite("bad archives are refused")
struct BadArchiveTests {
    // MARK: damaged archives from real backups

    /// A real full backup of a small projects tree (with incompressible data, so the archive has
    /// a middle) into `world.backups`.
    private func realBackup(in world: RefusalWorld) async throws -> (BackupResult, URL) {
        let projects = world.url.appendingPathComponent("sources/projects")
        try ProjectsTree.build(at: projects)
        let result = try await CLI.backup(to: world.backups, [("projects", projects)])
        return (result, world.backups.appendingPathComponent(result.archive))
    }

    /// Ways of cutting an archive short.
    enum Truncation: String, CaseIterable, Sendable {
        /// Half of it is gone (the tar stream ends mid-entry, mid-frame).
        case half
        /// Only the last byte is gone (the catalog frame is cut).
        case lastByte
    }

    /// A truncated archive fails the restore with "truncated" and the archive's name.
    @Test("a truncated archive is refused", arguments: Truncation.allCases)
    func truncatedArchiveIsRefused(truncation: Truncation) async throws {
        let world = try RefusalWorld()
        defer { world.directory.remove() }
        let (result, archive) = try await realBackup(in: world)
        let size = try #require(Files.status(archive)).st_size
        #expect(truncate(archive.path, truncation == .half ? size / 2 : size - 1) == 0)
        let before = try world.outsideState()
        try world.expectRefused(try await world.restore(), naming: ["truncated", result.archive], before: before)
    }

    /// `verify` reports a truncated archive (exit 1) and names it.
    @Test("verify reports a truncated archive", arguments: Truncation.allCases)
    func verifyReportsTruncatedArchive(truncation: Truncation) async throws {
        let world = try RefusalWorld()
        defer { world.directory.remove() }
        let (result, archive) = try await realBackup(in: world)
        let size = try #require(Files.status(archive)).st_size
        #expect(truncate(archive.path, truncation == .half ? size / 2 : size - 1) == 0)
        let run = try await CLI.verify(world.backups)
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout.contains(result.archive) && run.stdout.contains("truncated"), "\(run)")
    }

    /// Flips one bit in the middle of the compressed tar stream (before the catalog frame).
    private func flipMiddleByte(_ archive: URL) throws {
        var bytes = Array(try Data(contentsOf: archive))
        let trailer = bytes.suffix(16)
        #expect(Array(trailer.suffix(8)) == Array("RKCATLG1".utf8), "no catalog trailer")
        let catalogLength = trailer.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        let streamEnd = bytes.count - (8 + catalogLength + 16)
        try #require(streamEnd > 100_000, "archive too small to have a middle: \(streamEnd)")
        bytes[streamEnd / 2] ^= 0x10
        try Data(bytes).write(to: archive)
    }

    /// One flipped bit in the middle of the archive fails the restore (frame checksum) with the
    /// archive's name.
    @Test("an archive with a flipped byte in the middle is refused")
    func flippedByteIsRefused() async throws {
        let world = try RefusalWorld()
        defer { world.directory.remove() }
        let (result, archive) = try await realBackup(in: world)
        try flipMiddleByte(archive)
        let before = try world.outsideState()
        try world.expectRefused(try await world.restore(), naming: ["damaged", result.archive], before: before)
    }

    /// `verify` reports the flipped byte (exit 1) and names the archive.
    @Test("verify reports an archive with a flipped byte")
    func verifyReportsFlippedByte() async throws {
        let world = try RefusalWorld()
        defer { world.directory.remove() }
        let (result, archive) = try await realBackup(in: world)
        let clean = try await CLI.verify(world.backups)
        #expect(clean.status == 0, "verify of the intact backup: \(clean)")
        try flipMiddleByte(archive)
        let run = try await CLI.verify(world.backups)
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout.contains(result.archive), "\(run)")
    }

    /// What goes missing from a chain.
    enum MissingMember: String, CaseIterable, Sendable {
        case fullArchive, fullCatalog
    }

    /// Full + incremental; then the full backup's archive (or its catalog) is deleted: restoring
    /// the incremental fails, naming the missing member, and `verify` fails too.
    @Test("a chain with a missing member is refused", arguments: MissingMember.allCases)
    func missingChainMemberIsRefused(missing: MissingMember) async throws {
        let world = try RefusalWorld()
        defer { world.directory.remove() }
        let projects = world.url.appendingPathComponent("sources/projects")
        try ProjectsTree.build(at: projects)
        let full = try await CLI.backup(to: world.backups, [("projects", projects)])
        try ProjectsTree.changeFirst(at: projects)
        let incremental = try await CLI.backup(to: world.backups, [("projects", projects)])
        try #require(incremental.kind == "incremental" && incremental.parent == full.id)
        switch missing {
        case .fullArchive: try Files.remove(world.backups.appendingPathComponent(full.archive))
        case .fullCatalog: try Files.remove(world.backups.appendingPathComponent("\(full.id).catalog.zst"))
        }
        let before = try world.outsideState()
        let fragment = missing == .fullArchive ? full.archive : full.id
        try world.expectRefused(try await world.restore(), naming: ["chain is broken", fragment], before: before)
        let verify = try await CLI.verify(world.backups)
        #expect(verify.status == 1, "\(verify)")
    }

    // MARK: forged archives

    /// The forging itself is right: a benign forged backup restores, verifies, and lists with
    /// stock tar — so the refusals below are about the hostile entries, not a malformed forgery.
    @Test("a benign hand-made archive restores and verifies")
    func benignForgedArchiveRestores() async throws {
        let world = try RefusalWorld()
        defer { world.directory.remove() }
        let archive = try await ForgedBackup.write([
            .directory("projects"), .directory("projects/conf"), .file("projects/conf/ok.txt", "fine\n"),
            .file("projects/Grüße ünicode.txt", "ü\n"), .symlink("projects/link", to: "conf/ok.txt"),
        ], into: world.backups)
        let listing = try await Subprocess.run("sh", ["-c", "zstd -q -dc '\(archive.path)' | tar -t --quoting-style=literal"])
        #expect(listing.succeeded && listing.stderrText.isEmpty, "\(listing.combinedText)")
        let verify = try await CLI.verify(world.backups)
        #expect(verify.status == 0, "\(verify)")
        let run = try await world.restore()
        #expect(run.status == 0, "\(run)")
        #expect(try String(contentsOf: world.target.appendingPathComponent("projects/conf/ok.txt"), encoding: .utf8) == "fine\n")
        #expect(try String(contentsOf: world.target.appendingPathComponent("projects/Grüße ünicode.txt"), encoding: .utf8) == "ü\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: world.target.appendingPathComponent("projects/link").path) == "conf/ok.txt")
    }

    /// Hostile archives, each with the words its refusal must contain.
    enum Attack: String, CaseIterable, Sendable {
        /// The tar stream holds `../evil`; the catalog does not mention it.
        case dotDotInTar
        /// The tar stream holds `projects/../../evil`; the catalog does not mention it.
        case nestedDotDotInTar
        /// Both the catalog and the tar stream hold `projects/../evil`.
        case dotDotInCatalog
        /// The tar stream holds an absolute path into `outside/`; the catalog does not mention it.
        case absolutePathInTar
        /// Both hold the absolute path.
        case absolutePathInCatalog
        /// A symlink `projects/esc -> <world>/outside` and a file written through it.
        case symlinkToAbsoluteDirectory
        /// A symlink `projects/etc -> /etc` and a file written through it.
        case symlinkToEtc
        /// A symlink `projects/esc -> ../../outside` and a file written through it.
        case symlinkClimbingOut
        /// A character device entry.
        case deviceEntry
        /// A FIFO entry.
        case fifoEntry
        /// A hard link to `/etc/passwd`.
        case hardLinkEntry

        static let probeName = "regkeeper-backup-test-must-not-exist"

        /// The members of the forged backup, given the world's `outside/` directory.
        func members(outside: URL) -> [ForgedBackup.Member] {
            let base: [ForgedBackup.Member] = [.directory("projects"), .file("projects/ok.txt", "fine\n")]
            switch self {
            case .dotDotInTar:
                return [.directory("projects"), .file("../evil", "escaped\n", inCatalog: false), .file("projects/ok.txt", "fine\n")]
            case .nestedDotDotInTar:
                return [.directory("projects"), .file("projects/../../evil", "escaped\n", inCatalog: false), .file("projects/ok.txt", "fine\n")]
            case .dotDotInCatalog:
                return base + [.file("projects/../evil", "escaped\n")]
            case .absolutePathInTar:
                return [.directory("projects"), .file(outside.path + "/evil", "escaped\n", inCatalog: false), .file("projects/ok.txt", "fine\n")]
            case .absolutePathInCatalog:
                return base + [.file(outside.path + "/evil", "escaped\n")]
            case .symlinkToAbsoluteDirectory:
                return base + [.symlink("projects/esc", to: outside.path), .file("projects/esc/evil", "escaped\n")]
            case .symlinkToEtc:
                return base + [.symlink("projects/etc", to: "/etc"), .file("projects/etc/\(Self.probeName)", "escaped\n")]
            case .symlinkClimbingOut:
                return base + [.symlink("projects/esc", to: "../../outside"), .file("projects/esc/evil", "escaped\n")]
            case .deviceEntry:
                return base + [ForgedBackup.Member(path: "projects/tty", kind: .characterDevice, inCatalog: false)]
            case .fifoEntry:
                return base + [ForgedBackup.Member(path: "projects/pipe", kind: .fifo, inCatalog: false)]
            case .hardLinkEntry:
                return base + [ForgedBackup.Member(path: "projects/passwd", kind: .hardLink, link: "/etc/passwd", inCatalog: false)]
            }
        }

        /// What the error message must say.
        var fragments: [String] {
            switch self {
            case .dotDotInTar: return ["refusing", "../evil", "'..'"]
            case .nestedDotDotInTar: return ["refusing", "projects/../../evil", "'..'"]
            case .dotDotInCatalog: return ["refusing", "projects/../evil", "'..'"]
            case .absolutePathInTar, .absolutePathInCatalog: return ["refusing", "absolute path"]
            case .symlinkToAbsoluteDirectory, .symlinkClimbingOut: return ["refusing", "projects/esc", "outside"]
            case .symlinkToEtc: return ["refusing", "projects/etc", "outside"]
            case .deviceEntry: return ["projects/tty", "not accepted"]
            case .fifoEntry: return ["projects/pipe", "not accepted"]
            case .hardLinkEntry: return ["projects/passwd", "not accepted"]
            }
        }
    }

    /// Each hostile archive is refused with a message naming the entry and the reason; nothing is
    /// written outside the target (nor in `/etc`), and the target stays empty.
    @Test("a hostile archive is refused before anything is written", arguments: Attack.allCases)
    func hostileArchiveIsRefused(attack: Attack) async throws {
        let world = try RefusalWorld()
        defer { world.directory.remove() }
        let probe = URL(fileURLWithPath: "/etc/\(Attack.probeName)")
        try? Files.remove(probe)
        defer { try? Files.remove(probe) }
        try await ForgedBackup.write(attack.members(outside: world.outside), into: world.backups)
        let before = try world.outsideState()
        try world.expectRefused(try await world.restore(), naming: attack.fragments, before: before)
        #expect(!Files.exists(probe), "wrote \(probe.path)")
    }

    /// A registry blob whose content does not match the digest in its path is refused, naming
    /// the blob (the catalog claims the right digest; the content is different).
    @Test("a registry blob whose content does not match its digest is refused")
    func blobDigestMismatchIsRefused() async throws {
        let world = try RefusalWorld()
        defer { world.directory.remove() }
        let claimed = ContentDigest.hex(of: Data("the real layer".utf8))
        let blob = "registry/docker/registry/v2/blobs/sha256/\(claimed.prefix(2))/\(claimed)/data"
        var members: [ForgedBackup.Member] = ["registry", "registry/docker", "registry/docker/registry", "registry/docker/registry/v2",
                                               "registry/docker/registry/v2/blobs", "registry/docker/registry/v2/blobs/sha256",
                                               "registry/docker/registry/v2/blobs/sha256/\(claimed.prefix(2))",
                                               "registry/docker/registry/v2/blobs/sha256/\(claimed.prefix(2))/\(claimed)"].map { .directory($0) }
        var tampered = ForgedBackup.Member.file(blob, "a tampered layer")
        tampered.catalogDigest = claimed
        members.append(tampered)
        try await ForgedBackup.write(members, roots: ["registry"], into: world.backups)
        let before = try world.outsideState()
        try world.expectRefused(try await world.restore(), naming: [claimed], before: before)
        let verify = try await CLI.verify(world.backups)
        #expect(verify.status == 1, "\(verify)")
    }
}
