import Foundation
import RegistryFixtures
import Testing

/// `--dry-run`: lists exactly what a real run deletes, and changes nothing.
@Suite("gc --dry-run")
struct DryRunTests {
    @Test("lists exactly the blobs and manifests the real run then deletes", arguments: CollectionMode.allCases)
    func listsWhatRealRunDeletes(mode: CollectionMode) async throws {
        let dry = try await FixtureCopy.make()
        defer { dry.remove() }
        let real = try await FixtureCopy.make()
        defer { real.remove() }

        let (dryRun, planned) = try await Regkeeper.gcReport(["--dry-run", "--min-age", "0"] + mode.flags + [dry.root.path])
        StoreChecks.expectStatus(dryRun, 0)
        let before = try real.snapshot()
        let (realRun, done) = try await Regkeeper.gcReport(["--min-age", "0"] + mode.flags + [real.root.path])
        StoreChecks.expectStatus(realRun, 0)
        let after = try real.snapshot()

        StoreChecks.expectSame(
            Set(planned.deletedBlobs.map { "\($0.digest) (\($0.size) B)" }), Set(done.deletedBlobs.map { "\($0.digest) (\($0.size) B)" }),
            "dry-run deletedBlobs vs the real run's")
        StoreChecks.expectSame(planned.deletedManifestSet, done.deletedManifestSet, "dry-run deletedManifests vs the real run's")
        #expect(planned.reclaimedBytes == done.reclaimedBytes)
        StoreChecks.expectReportMatchesDisk(done, before: before, after: after)
        StoreChecks.expectSame(done.deletedBlobDigests, mode.expectedDeletedBlobs(real.record), "deletedBlobs vs the fixture's expectation")
        StoreChecks.expectSame(done.deletedManifestSet, mode.expectedDeletedManifests(real.record), "deletedManifests vs the fixture's expectation")
    }

    @Test("changes no file, directory, mode or timestamp", arguments: CollectionMode.allCases)
    func changesNoFile(mode: CollectionMode) async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let before = try copy.snapshot()
        // Everything that could be deleted is eligible: no grace period, uploads of any age, empty repos.
        let (run, report) = try await Regkeeper.gcReport(
            ["--dry-run", "--min-age", "0", "--upload-age", "0s", "--remove-empty-repos"] + mode.flags + [copy.root.path])
        StoreChecks.expectStatus(run, 0)
        #expect(!report.deletedBlobs.isEmpty, "the dry run found nothing to delete, so it proves nothing")
        StoreChecks.expectUnchanged(before, try copy.snapshot(), "regkeeper gc --dry-run \(mode)")
    }

    @Test("the stock collector's dry-run eligible list equals regkeeper's dry-run deletedBlobs")
    func matchesStockDryRun() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let stock = try await StockGarbageCollector.runChecked(config: copy.configURL, dryRun: true)
        let (run, report) = try await Regkeeper.gcReport(["--dry-run", "--min-age", "0", copy.configURL.path])
        StoreChecks.expectStatus(run, 0)
        StoreChecks.expectSame(report.deletedBlobDigests, stock.eligibleBlobs, "regkeeper dry-run deletedBlobs vs stock 'eligible for deletion'")
    }
}
