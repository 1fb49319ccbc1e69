import Foundation
import RegistryFixtures
import Testing

/// `--delete-untagged`: only tags are roots, but index children and referrers of live
/// manifests stay, so every tag keeps working (unlike the 2.8 stock `-m`).
@Suite("gc --delete-untagged")
struct DeleteUntaggedTests {
    /// Runs `regkeeper gc --delete-untagged --min-age 0` on a fresh copy.
    private func collected() async throws -> (FixtureCopy, GCReport) {
        let copy = try await FixtureCopy.make()
        let (run, report) = try await Regkeeper.gcReport(["--delete-untagged", "--min-age", "0", copy.root.path])
        StoreChecks.expectStatus(run, 0)
        #expect(report.errors.isEmpty, "\(report.errors)")
        return (copy, report)
    }

    @Test("the real registry then serves every tag: skopeo copy --all succeeds, manifest list and OCI index included")
    func everyTagStillPulls() async throws {
        let (copy, _) = try await collected()
        defer { copy.remove() }
        let failures = try await ServedStoreCheck.run(copy, expectingRetaggedAwayGone: true)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test("deletes exactly the retagged-away revision and the blobs only it and unreferenced uploads used")
    func deletesExactlyTheUntagged() async throws {
        let (copy, report) = try await collected()
        defer { copy.remove() }
        let record = copy.record
        StoreChecks.expectSame(report.deletedManifestSet, CollectionMode.deleteUntagged.expectedDeletedManifests(record), "deletedManifests")
        StoreChecks.expectSame(report.deletedBlobDigests, record.expectedDeletedBlobsUntagged, "deletedBlobs vs the fixture's expectation")
        let remaining = try copy.snapshot().blobDigests
        StoreChecks.expectSame(remaining, record.blobsPresent.subtracting(record.expectedDeletedBlobsUntagged), "blobs left on disk")
        #expect(!FileManager.default.fileExists(atPath: StoreLayout.revisionLink(copy.root, record.retag.repository, record.retag.oldDigest).path))
    }

    @Test("referrers whose subject is tagged survive, and so does a referrer of such a referrer")
    func referrersOfTaggedImagesSurvive() async throws {
        let (copy, report) = try await collected()
        defer { copy.remove() }
        let record = copy.record
        for referrer in [record.referrer, record.referrerOfReferrer] {
            #expect(FileManager.default.fileExists(atPath: StoreLayout.revisionLink(copy.root, referrer.repository, referrer.digest).path),
                    "revision of \(referrer) deleted")
            #expect(!report.deletedManifests.contains { $0.digest == referrer.digest })
        }
        let server = try await RegistryServer.start(storeRoot: copy.root)
        defer { server.stop() }
        for referrer in [record.referrer, record.referrerOfReferrer] {
            let failures = try await ServedStoreCheck.fetchable(referrer, record: record, client: server.client)
            #expect(failures.isEmpty, "\(failures)")
        }
    }

    @Test("a manifest untagged in one repository loses that revision but keeps its blobs while another repository tags it")
    func untaggedHereTaggedElsewhereKeepsBlobs() async throws {
        let (copy, _) = try await collected()
        defer { copy.remove() }
        let record = copy.record
        let untagged = record.taggedHereUntaggedThere
        #expect(!FileManager.default.fileExists(atPath: StoreLayout.revisionLink(copy.root, untagged.repository, untagged.digest).path),
                "untagged revision \(untagged) kept")
        let manifest = try #require(record.manifest(untagged.digest, in: FixtureStore.Repo.alpine))
        let remaining = try copy.snapshot().blobDigests
        StoreChecks.expectSame(Set([manifest.digest] + manifest.references).subtracting(remaining), [], "blobs of the image still tagged in \(FixtureStore.Repo.alpine) that were deleted")
        let server = try await RegistryServer.start(storeRoot: copy.root)
        defer { server.stop() }
        #expect(try await server.client.getManifest(untagged.digest, in: untagged.repository).status == 404)
        #expect(try await server.client.getManifest(untagged.digest, in: FixtureStore.Repo.alpine).status == 200)
    }

    @Test("the retagged tag's old untagged revision is gone: GET by digest answers 404")
    func retaggedAwayRevisionIsGone() async throws {
        let (copy, _) = try await collected()
        defer { copy.remove() }
        let record = copy.record
        let server = try await RegistryServer.start(storeRoot: copy.root)
        defer { server.stop() }
        let old = try await server.client.getManifest(record.retag.oldDigest, in: record.retag.repository)
        #expect(old.status == 404)
        let current = try await server.client.getManifest(record.retag.tag, in: record.retag.repository)
        #expect(current.status == 200)
        #expect(current.header("Docker-Content-Digest") == record.retag.newDigest)
    }

    @Test("no unreachable blob remains: every blob left is a surviving manifest or referenced by one")
    func noUnreachableBlobRemains() async throws {
        let (copy, _) = try await collected()
        defer { copy.remove() }
        let (unreachable, problems) = try StoreChecks.unreachableBlobs(in: copy.root)
        #expect(problems.isEmpty, "\(problems)")
        StoreChecks.expectSame(unreachable, [], "unreachable blobs left")
        // The check itself can fail: the uncollected fixture has unreachable blobs.
        let (before, _) = try StoreChecks.unreachableBlobs(in: (try await FixtureCache.shared.fixture()).root)
        #expect(!before.isEmpty)
    }

    @Test("evidence: the 2.8 stock collector's --delete-untagged breaks the manifest list and the OCI index")
    func stockDeleteUntaggedBreaksMultiArch() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let record = copy.record
        _ = try await StockGarbageCollector.runChecked(config: copy.configURL, deleteUntagged: true)
        for index in [record.manifestList, record.ociIndex] {
            let tag = try #require(record.tags.first { $0.repository == index.repository && $0.tag == index.tag })
            let pulled = try await ServedStoreCheck.pulls(tag, from: copy)
            #expect(!pulled.succeeded, "stock -m left \(index.repository):\(index.tag) pullable; the fixture no longer shows the 2.8 bug")
        }
        #expect(!FileManager.default.fileExists(atPath: StoreLayout.revisionLink(copy.root, record.referrer.repository, record.referrer.digest).path),
                "stock -m kept the referrer")
    }

    @Test("--delete-untagged --dry-run changes no file")
    func dryRunChangesNoFile() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let before = try copy.snapshot()
        let (run, report) = try await Regkeeper.gcReport(["--delete-untagged", "--dry-run", "--min-age", "0", copy.root.path])
        StoreChecks.expectStatus(run, 0)
        StoreChecks.expectSame(report.deletedManifestSet, CollectionMode.deleteUntagged.expectedDeletedManifests(copy.record), "deletedManifests")
        StoreChecks.expectUnchanged(before, try copy.snapshot(), "regkeeper gc --delete-untagged --dry-run")
    }
}
