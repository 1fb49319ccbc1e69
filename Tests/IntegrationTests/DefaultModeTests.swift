import Foundation
import RegistryFixtures
import Testing

/// `regkeeper gc` without `--delete-untagged` against the registry's own collector.
@Suite("gc default mode")
struct DefaultModeTests {
    @Test("leaves exactly the blob set docker-registry garbage-collect leaves")
    func leavesSameBlobsAsStockCollector() async throws {
        let ours = try await FixtureCopy.make()
        defer { ours.remove() }
        let stock = try await FixtureCopy.make()
        defer { stock.remove() }

        let before = try ours.snapshot()
        // The config form of the positional argument, as the stock collector takes it.
        let (run, report) = try await Regkeeper.gcReport(["--min-age", "0", ours.configURL.path])
        StoreChecks.expectStatus(run, 0)
        #expect(report.errors.isEmpty, "\(report.errors)")
        _ = try await StockGarbageCollector.runChecked(config: stock.configURL)

        let after = try ours.snapshot()
        let stockBlobs = try stock.snapshot().blobDigests
        StoreChecks.expectSame(after.blobDigests, stockBlobs, "blobs left by regkeeper vs by the stock collector")
        StoreChecks.expectSame(report.deletedBlobDigests, ours.record.expectedDeletedBlobsDefault, "deletedBlobs vs the fixture's expectation")
        StoreChecks.expectReportMatchesDisk(report, before: before, after: after)
        #expect(report.deletedManifests.isEmpty, "default mode deletes no revision: \(report.deletedManifests)")
    }

    @Test("keeps every revision, tagged or not, and every blob they reference")
    func keepsEveryRevision() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let before = try copy.snapshot()
        let (run, _) = try await Regkeeper.gcReport(["--min-age", "0", copy.root.path])
        StoreChecks.expectStatus(run, 0)
        let after = try copy.snapshot()
        StoreChecks.expectSame(Set(after.revisionLinks), Set(before.revisionLinks), "revision links")
        let marked = FixtureRecord.marked(by: copy.record.liveManifestsDefault).intersection(copy.record.blobsPresent)
        #expect(marked.isSubset(of: after.blobDigests), "lost: \(marked.subtracting(after.blobDigests))")
    }

    @Test("a manifest deleted from one repository keeps its blobs while another repository tags it")
    func deletedHereTaggedElsewhereKeepsBlobs() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let record = copy.record
        let (run, _) = try await Regkeeper.gcReport(["--min-age", "0", copy.root.path])
        StoreChecks.expectStatus(run, 0)
        let kept = record.deletedHereTaggedThere
        let manifest = try #require(record.manifest(kept.digest, in: kept.repository))
        #expect(record.deletedManifests.contains(RepositoryDigest(repository: FixtureStore.Repo.alpine, digest: kept.digest)))
        let remaining = try copy.snapshot().blobDigests
        StoreChecks.expectSame(Set([manifest.digest] + manifest.references).subtracting(remaining), [], "blobs of \(kept) that were deleted")
    }

    @Test("an invalid duration is a usage error (exit 2) and touches nothing")
    func invalidDurationIsUsageError() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let before = try copy.snapshot()
        let run = try await Regkeeper.gc(["--min-age", "soon", copy.root.path])
        StoreChecks.expectStatus(run, 2)
        StoreChecks.expectUnchanged(before, try copy.snapshot(), "a usage error")
    }
}
