import Foundation
import RegistryFixtures
import Testing

/// The harness itself: the fixture store is what the scenario says, the real registry serves
/// it, and the stock garbage collector runs on it. These pass without the engine.
@Suite("Fixture store and harness")
struct FixtureTests {
    @Test("the fixture holds every scenario case and builds in seconds")
    func fixtureHoldsEveryCase() async throws {
        let fixture = try await FixtureCache.shared.fixture()
        let record = fixture.record
        print("fixture store built in \(String(format: "%.2f", fixture.buildSeconds)) s: \(record.blobsPresent.count) blobs, "
              + "\(record.manifests.count) manifests, \(record.tags.count) tags at \(fixture.root.path)")
        #expect(fixture.buildSeconds < 60)
        let snapshot = try StoreSnapshot.capture(fixture.root)
        StoreChecks.expectSame(snapshot.blobDigests, record.blobsPresent, "blobs in the fixture store")
        // Nested repositories: team/app/api lives inside team/app.
        #expect(snapshot.entries["docker/registry/v2/repositories/team/app/_layers"]?.kind == .directory)
        #expect(snapshot.entries["docker/registry/v2/repositories/team/app/api/_layers"]?.kind == .directory)
        // The shared layer is linked into both repositories it was pushed to; the mounted one into both too.
        let layerLinks = Set(snapshot.layerLinks)
        for repository in record.sharedLayerRepositories {
            #expect(layerLinks.contains(RepositoryDigest(repository: repository, digest: record.sharedLayer)))
        }
        #expect(layerLinks.contains(RepositoryDigest(repository: record.mountSource, digest: record.mountedLayer)))
        #expect(layerLinks.contains(RepositoryDigest(repository: record.mountTarget, digest: record.mountedLayer)))
        // The retag left the old revision in place, with an index entry under the tag.
        let root = fixture.root
        #expect(FileManager.default.fileExists(atPath: StoreLayout.revisionLink(root, record.retag.repository, record.retag.oldDigest).path))
        let tagIndex = StoreLayout.repository(root, record.retag.repository)
            .appendingPathComponent("_manifests/tags/\(record.retag.tag)/index/sha256/\(ContentDigest.hexPart(record.retag.oldDigest))/link")
        #expect(FileManager.default.fileExists(atPath: tagIndex.path))
        let current = try String(contentsOf: StoreLayout.tagCurrentLink(root, record.retag.repository, record.retag.tag), encoding: .utf8)
        #expect(current == record.retag.newDigest)
        // Deleted manifests: link gone, directory and blob left behind.
        for deleted in record.deletedManifests {
            #expect(!FileManager.default.fileExists(atPath: StoreLayout.revisionLink(root, deleted.repository, deleted.digest).path))
            #expect(snapshot.entries[StoreLayout.relative(StoreLayout.revisionDirectory(root, deleted.repository, deleted.digest), to: root)]?.kind == .directory)
            #expect(record.blobsPresent.contains(deleted.digest))
        }
        // A startedat file in each abandoned upload; the partial one holds its bytes.
        for upload in record.abandonedUploads {
            let directory = StoreLayout.upload(root, upload.repository, upload.uuid)
            let startedAt = try String(contentsOf: directory.appendingPathComponent("startedat"), encoding: .utf8)
            #expect(startedAt.hasSuffix("Z") && startedAt.count >= 20, "startedat: \(startedAt)")
            let data = try Data(contentsOf: directory.appendingPathComponent("data"))
            #expect(data.count == upload.bytesSent)
        }
        // Expected deletions are non-trivial in both modes.
        #expect(!record.expectedDeletedBlobsDefault.isEmpty)
        #expect(record.expectedDeletedBlobsUntagged.count > record.expectedDeletedBlobsDefault.count)
        #expect(record.expectedDeletedBlobsUntagged.isSuperset(of: record.retag.oldOnlyBlobs))
    }

    @Test("the real registry serves every tag and referrer of the fixture")
    func registryServesFixture() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let before = try copy.snapshot()
        let failures = try await ServedStoreCheck.run(copy, expectingRetaggedAwayGone: false)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        let after = try copy.snapshot()
        StoreChecks.expectUnchanged(before, after, "serving the store")
    }

    @Test("the stock garbage collector agrees with the fixture's expected default-mode deletions")
    func stockCollectorMatchesExpectation() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let dryRun = try await StockGarbageCollector.runChecked(config: copy.configURL, dryRun: true)
        StoreChecks.expectSame(dryRun.eligibleBlobs, copy.record.expectedDeletedBlobsDefault, "stock dry-run eligible list")
        let run = try await StockGarbageCollector.runChecked(config: copy.configURL)
        let remaining = try copy.snapshot().blobDigests
        StoreChecks.expectSame(remaining, copy.record.blobsPresent.subtracting(copy.record.expectedDeletedBlobsDefault), "blobs left by the stock collector")
        StoreChecks.expectSame(run.eligibleBlobs, copy.record.expectedDeletedBlobsDefault, "stock real-run eligible list")
    }
}
