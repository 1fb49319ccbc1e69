import Foundation
import RegistryFixtures
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Damaged stores: anything the mark needs but cannot read means nothing is deleted, exit 3,
/// and an error naming the path; a missing manifest blob is only a warning.
@Suite("gc on damaged stores")
struct BadInputTests {
    /// Runs a real (not dry) collection and checks the abort contract.
    private func expectAbort(
        _ copy: FixtureCopy, mode: CollectionMode, naming fragment: String, runAs command: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try copy.snapshot()
        let (run, report) = try await Regkeeper.gcReport(["--min-age", "0", "--upload-age", "0s"] + mode.flags + [copy.root.path], runAs: command)
        StoreChecks.expectStatus(run, 3, sourceLocation: sourceLocation)
        #expect(report.errors.contains { $0.names(fragment) }, "no error names \(fragment): \(report.errors)", sourceLocation: sourceLocation)
        #expect(report.deletedBlobs.isEmpty && report.deletedManifests.isEmpty, "reported deletions", sourceLocation: sourceLocation)
        StoreChecks.expectUnchanged(before, try copy.snapshot(), "an aborted run", sourceLocation: sourceLocation)
    }

    /// The store-relative directory of a revision, as error paths name it.
    private func revisionPath(_ copy: FixtureCopy, _ repository: String, _ digest: String) -> String {
        StoreLayout.relative(StoreLayout.revisionDirectory(copy.root, repository, digest), to: copy.root)
    }

    @Test("a zero-byte revision link aborts the run", arguments: CollectionMode.allCases)
    func zeroByteRevisionLink(mode: CollectionMode) async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let tag = try #require(copy.record.tags.first { $0.repository == FixtureStore.Repo.alpine })
        try Data().write(to: StoreLayout.revisionLink(copy.root, tag.repository, tag.digest))
        try await expectAbort(copy, mode: mode, naming: revisionPath(copy, tag.repository, tag.digest))
    }

    @Test("a garbage tag current link aborts a --delete-untagged run")
    func garbageTagLink() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let record = copy.record
        let link = StoreLayout.tagCurrentLink(copy.root, record.retag.repository, record.retag.tag)
        try Data("sha256:not-a-digest".utf8).write(to: link)
        try await expectAbort(copy, mode: .deleteUntagged, naming: StoreLayout.relative(link, to: copy.root))
    }

    @Test("an unparseable manifest blob (an OCI index overwritten with junk) aborts the run", arguments: CollectionMode.allCases)
    func unparseableManifestBlob(mode: CollectionMode) async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let index = copy.record.ociIndex
        // The data no longer matches its digest either; either complaint names the digest.
        try Data("{\"schemaVersion\": 2, \"manifests\": [ this is not json".utf8).write(to: StoreLayout.blobData(copy.root, index.digest))
        try await expectAbort(copy, mode: mode, naming: ContentDigest.hexPart(index.digest))
    }

    /// How this process runs regkeeper as `nobody` when it is root (root ignores permission bits).
    private static let asNobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]

    /// Copies the regkeeper binary into `directory` (world-readable, unlike a checkout under
    /// /root may be) and returns the copy's path if `nobody` can run it.
    private static func binaryNobodyCanRun(in directory: URL) async throws -> String? {
        let copy = directory.appendingPathComponent("regkeeper")
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(atPath: try Regkeeper.binaryPath(), toPath: copy.path)
        chmod(copy.path, 0o755)
        let probe = try await Subprocess.run(asNobody[0], Array(asNobody.dropFirst()) + [copy.path, "gc", "--help"])
        return probe.succeeded ? copy.path : nil
    }

    /// Whether a directory can be made unreadable to regkeeper here: as a non-root user always;
    /// as root if setpriv can run a copy of the binary as `nobody`. (A missing binary answers
    /// true, so the test runs and fails with the missing-binary message.)
    private static func canMakeDirectoryUnreadable() async -> Bool {
        guard geteuid() == 0 else { return true }
        guard (try? Regkeeper.binaryPath()) != nil else { return true }
        guard Subprocess.locate("setpriv") != nil, let scratch = try? TemporaryDirectory(prefix: "probe") else { return false }
        defer { scratch.remove() }
        return (try? await binaryNobodyCanRun(in: scratch.url)) != nil
    }

    @Test(
        "an unreadable revision directory aborts the run",
        .enabled("needs a non-root user, or root with setpriv able to run regkeeper as nobody") {
            await BadInputTests.canMakeDirectoryUnreadable()
        },
        arguments: CollectionMode.allCases)
    func unreadableRevisionDirectory(mode: CollectionMode) async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let foreign = copy.record.foreignLayer
        let directory = StoreLayout.revisionDirectory(copy.root, foreign.repository, foreign.manifestDigest)
        var command: [String] = []
        if geteuid() == 0 {
            // Root: regkeeper runs as nobody, on a store nobody owns (so it could delete if it wrongly tried).
            let binary = try #require(try await Self.binaryNobodyCanRun(in: copy.directory.url), "nobody cannot run regkeeper")
            command = Self.asNobody + [binary]
            let chown = try await Subprocess.run("chown", ["-R", "65534:65534", copy.root.path])
            try #require(chown.succeeded, "\(chown.combinedText)")
        }
        #expect(chmod(directory.path, 0) == 0)
        defer { chmod(directory.path, 0o755) }
        try await expectAbort(copy, mode: mode, naming: revisionPath(copy, foreign.repository, foreign.manifestDigest), runAs: command)
    }

    @Test("a missing manifest blob is only a warning naming the digest (exit 0)", arguments: CollectionMode.allCases)
    func missingManifestBlobWarns(mode: CollectionMode) async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let tag = try #require(copy.record.tags.first { $0.repository == FixtureStore.Repo.api })
        try FileManager.default.removeItem(at: StoreLayout.blobData(copy.root, tag.digest).deletingLastPathComponent())
        let (run, report) = try await Regkeeper.gcReport(["--min-age", "0"] + mode.flags + [copy.root.path])
        StoreChecks.expectStatus(run, 0)
        #expect(report.errors.isEmpty, "\(report.errors)")
        let hex = ContentDigest.hexPart(tag.digest)
        #expect(report.warnings.contains { $0.names(hex) }, "no warning names \(tag.digest): \(report.warnings)")
    }
}
