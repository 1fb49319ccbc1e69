import Foundation
import RegistryFixtures
import Testing

/// The grace period (`--min-age`, default 1h): nothing just pushed is deleted.
@Suite("gc grace period")
struct GracePeriodTests {
    @Test("with the default --min-age nothing just pushed is deleted", arguments: CollectionMode.allCases)
    func freshStoreIsUntouched(mode: CollectionMode) async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let before = try copy.snapshot()
        let (run, report) = try await Regkeeper.gcReport(mode.flags + [copy.root.path])
        StoreChecks.expectStatus(run, 0)
        StoreChecks.expectSame(report.deletedBlobDigests, [], "deletedBlobs of a fresh store")
        #expect(report.deletedManifests.isEmpty, "deleted young manifests: \(report.deletedManifests)")
        #expect(report.reclaimedBytes == 0)
        let after = try copy.snapshot()
        StoreChecks.expectSame(after.blobDigests, before.blobDigests, "blobs")
        StoreChecks.expectSame(Set(after.revisionLinks), Set(before.revisionLinks), "revision links")
        StoreChecks.expectSame(Set(after.layerLinks), Set(before.layerLinks), "layer links")
        StoreChecks.expectSame(after.uploadDirectories, before.uploadDirectories, "upload directories")
    }

    @Test("once everything is older than the default --min-age, the run deletes what --min-age 0 does")
    func expiredGracePeriodDeletes() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        try await StoreChecks.backdate(copy.root, secondsAgo: 3 * 3600)
        let (run, report) = try await Regkeeper.gcReport([copy.root.path])
        StoreChecks.expectStatus(run, 0)
        StoreChecks.expectSame(report.deletedBlobDigests, copy.record.expectedDeletedBlobsDefault, "deletedBlobs vs the fixture's expectation")
    }
}
