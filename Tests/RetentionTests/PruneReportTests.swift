import Foundation
import RegistryFixtures
import Testing

/// A rule touching every case of the scenario: old CI tags, a removed index and list, a removed
/// image with referrers, an orphaned signature.
enum BroadPrune {
    static let arguments = ["--repo", "ci/*", "--keep-within", "3d", "--prune-orphan-signatures"]

    static func removed(_ scenario: RetentionScenario) -> Set<String> {
        [
            "ci/app:v1.0", "ci/app:build-1", "ci/app:build-2", "ci/app:build-3", "ci/tools:1.0",
            "ci/multi:old", "ci/multi:list-old", "ci/signed:1",
            "ci/cosign:\(RetentionScenario.signatureTag(of: scenario.deletedImage))",
        ]
    }
}

/// `prune-tags --json`, `--dry-run` and `--no-gc`, checked against what happened on disk.
@Suite("prune-tags report, dry run, --no-gc")
struct PruneReportTests {
    /// Every removed tag is named with the digest it pointed at and its push time (the
    /// `current/link` mtime, RFC 3339 UTC).
    @Test func theReportNamesEveryRemovedTagWithDigestAndPushTime() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let scenario = copy.scenario
        let (run, report) = try await Regkeeper.pruneTags(BroadPrune.arguments, root: copy.root)
        Expect.pruned(run, report)
        let expected = BroadPrune.removed(scenario)
        Expect.same(report.removedKeys, expected, "removedTags")
        #expect(report.removedTags.count == expected.count, "a tag is listed twice")
        for removed in report.removedTags where expected.contains(removed.key) {
            let tag = scenario.tag(removed.repository, removed.tag)
            #expect(removed.digest == tag.digest, "digest of \(tag)")
            #expect(removed.pushedAt == StoreFiles.rfc3339(tag.pushedAt), "pushedAt of \(tag)")
        }
        Expect.onlyTagsRemoved(expected, in: copy)
    }

    /// `reclaimedBytes` is the sum of the sizes of the blobs that vanished from disk plus the
    /// upload sessions that vanished (the one abandoned 200 h ago), and the collection lists exactly those.
    @Test func reclaimedBytesIsWhatVanishedFromDisk() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let before = try copy.snapshot()
        let (run, report) = try await Regkeeper.pruneTags(BroadPrune.arguments, root: copy.root)
        Expect.pruned(run, report)
        let after = try copy.snapshot()
        Expect.reclaimedMatchesDisk(report, before: before, after: after)
        #expect(report.collection?.deletedUploads.map(\.id) == [copy.scenario.abandonedUpload.id])
        #expect(report.collection?.deletedUploads.first?.size == Int64(copy.scenario.abandonedUpload.bytes))
        try Expect.storeConsistent(copy.root)
    }

    /// `--dry-run` changes no file (content, mode or mtime), and reports the same tags, blobs,
    /// manifests and bytes that the real run on the same store then removes and frees.
    @Test func dryRunChangesNothingAndPredictsTheRealRun() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let before = try copy.snapshot()
        let (dryRun, planned) = try await Regkeeper.pruneTags(BroadPrune.arguments + ["--dry-run"], root: copy.root)
        Expect.pruned(dryRun, planned)
        #expect(planned.dryRun)
        let unchanged = try copy.snapshot()
        #expect(unchanged.differences(from: before).isEmpty, "the dry run changed the store:\n\(unchanged.differences(from: before).joined(separator: "\n"))")

        let (realRun, done) = try await Regkeeper.pruneTags(BroadPrune.arguments, root: copy.root)
        Expect.pruned(realRun, done)
        #expect(!planned.removedTags.isEmpty)
        #expect(planned.removedTags == done.removedTags, "removedTags of the dry run vs the real run")
        #expect(planned.reclaimedBytes == done.reclaimedBytes, "reclaimedBytes of the dry run vs the real run")
        Expect.same(planned.collection?.deletedBlobDigests ?? [], done.collection?.deletedBlobDigests ?? [], "deletedBlobs dry vs real")
        Expect.same(planned.collection?.deletedManifestKeys ?? [], done.collection?.deletedManifestKeys ?? [], "deletedManifests dry vs real")
        Expect.reclaimedMatchesDisk(done, before: before, after: try copy.snapshot())
    }

    /// `--no-gc` removes each tag as a 3.x tag DELETE does — the whole `_manifests/tags/<tag>`
    /// directory — and nothing else: no blob, no revision, no link, no upload.
    @Test func noGCRemovesTheTagDirectoriesAndNothingElse() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let before = try copy.snapshot()
        let (run, report) = try await Regkeeper.pruneTags(BroadPrune.arguments + ["--no-gc"], root: copy.root)
        Expect.pruned(run, report)
        #expect(report.collection == nil)
        #expect(report.reclaimedBytes == 0)
        let expected = BroadPrune.removed(copy.scenario)
        Expect.same(report.removedKeys, expected, "removedTags")
        let after = try copy.snapshot()

        var tagTrees = Set<String>()
        for key in expected {
            let (repository, tag) = (String(key.split(separator: ":")[0]), String(key.split(separator: ":")[1]))
            let directory = StoreFiles.relative(copy.tagDirectory(repository, tag), in: copy.root)
            #expect(!FileManager.default.fileExists(atPath: copy.tagDirectory(repository, tag).path), "\(directory) still exists")
            tagTrees.formUnion(before.entries.keys.filter { $0 == directory || $0.hasPrefix(directory + "/") })
        }
        Expect.same(after.removedPaths(since: before), tagTrees, "paths removed vs the removed tags' directories")
        Expect.same(after.addedPaths(since: before), [], "paths added")
        Expect.same(after.changedPaths(since: before), [], "files changed")
        Expect.same(after.blobDigests, before.blobDigests, "blobs")
    }

    /// A store with a link file the scan cannot read (an empty tag-history link in `ci/tools`)
    /// makes prune-tags remove nothing at all: exit 3, the problem named, no file changed.
    @Test func aBadLinkFileStopsPruneTagsBeforeAnythingIsRemoved() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let bad = try Damage(copy: copy).emptyTagIndexLinkOfTools1()
        let before = try copy.snapshot()
        let (run, report) = try await Regkeeper.pruneTags(BroadPrune.arguments, root: copy.root)
        Expect.status(run, 3)
        let named = bad.first.map { String($0.split(separator: " ", maxSplits: 1)[1]) } ?? ""
        #expect(report.errors.contains { $0.path.hasSuffix(named) }, "\(report.errors)")
        let after = try copy.snapshot()
        #expect(after.differences(from: before).isEmpty, "prune-tags changed the store:\n\(after.differences(from: before).joined(separator: "\n"))")
    }
}
