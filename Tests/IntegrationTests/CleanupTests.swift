import Foundation
import RegistryFixtures
import Testing

/// What the 2.8 stock collector leaves behind and `regkeeper gc` promises (in its `--help`) to
/// clean: layer links to deleted blobs, empty revision directories, tag-history entries of
/// deleted revisions, and (on request) emptied repositories.
@Suite("gc cleanup of what the stock collector leaves behind")
struct CleanupTests {
    @Test("removes the _layers links of the blobs it deletes", arguments: CollectionMode.allCases)
    func removesLayerLinksOfDeletedBlobs(mode: CollectionMode) async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let before = try copy.snapshot()
        let (run, _) = try await Regkeeper.gcReport(["--min-age", "0"] + mode.flags + [copy.root.path])
        StoreChecks.expectStatus(run, 0)
        let after = try copy.snapshot()
        let dangling = Set(after.layerLinks.filter { !after.blobDigests.contains($0.digest) })
        StoreChecks.expectSame(dangling, [], "layer links to blobs that are gone")
        // Non-vacuous: the unreferenced blobs had links before the run.
        for blob in copy.record.unreferencedBlobs {
            let linkedBefore = before.layerLinks.contains(blob), linkedAfter = after.layerLinks.contains(blob)
            #expect(linkedBefore, "\(blob) had no link to begin with")
            #expect(!linkedAfter, "\(blob) link kept")
        }
    }

    @Test("removes the empty revision directories that API deletes leave, and keeps emptied repositories by default")
    func removesEmptyRevisionDirectories() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let (run, _) = try await Regkeeper.gcReport(["--min-age", "0", copy.root.path])
        StoreChecks.expectStatus(run, 0)
        for deleted in copy.record.deletedManifests {
            let directory = StoreLayout.revisionDirectory(copy.root, deleted.repository, deleted.digest)
            #expect(!FileManager.default.fileExists(atPath: directory.path), "empty revision directory of \(deleted) kept")
        }
        #expect(FileManager.default.fileExists(atPath: StoreLayout.repository(copy.root, FixtureStore.Repo.old).path),
                "the emptied repository was removed without --remove-empty-repos")
    }

    @Test("--delete-untagged removes the deleted revision's tag-history entry and keeps the current one")
    func removesTagHistoryOfDeletedRevision() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let retag = copy.record.retag
        func historyEntry(_ digest: String) -> String {
            StoreLayout.repository(copy.root, retag.repository)
                .appendingPathComponent("_manifests/tags/\(retag.tag)/index/sha256/\(ContentDigest.hexPart(digest))/link").path
        }
        try #require(FileManager.default.fileExists(atPath: historyEntry(retag.oldDigest)))
        let (run, _) = try await Regkeeper.gcReport(["--delete-untagged", "--min-age", "0", copy.root.path])
        StoreChecks.expectStatus(run, 0)
        #expect(!FileManager.default.fileExists(atPath: historyEntry(retag.oldDigest)), "history entry of the deleted revision kept")
        #expect(FileManager.default.fileExists(atPath: historyEntry(retag.newDigest)), "history entry of the current revision removed")
        let current = try String(contentsOf: StoreLayout.tagCurrentLink(copy.root, retag.repository, retag.tag), encoding: .utf8)
        #expect(current == retag.newDigest)
    }

    @Test("--remove-empty-repos removes a repository whose manifests were all deleted, and only that")
    func removesEmptiedRepository() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let (run, _) = try await Regkeeper.gcReport(["--remove-empty-repos", "--min-age", "0", copy.root.path])
        StoreChecks.expectStatus(run, 0)
        #expect(!FileManager.default.fileExists(atPath: StoreLayout.repository(copy.root, FixtureStore.Repo.old).path))
        for repository in FixtureStore.Repo.all where repository != FixtureStore.Repo.old {
            #expect(FileManager.default.fileExists(atPath: StoreLayout.repository(copy.root, repository).appendingPathComponent("_manifests").path),
                    "\(repository) removed")
        }
    }
}
