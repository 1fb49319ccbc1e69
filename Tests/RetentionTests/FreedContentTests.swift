import Foundation
import RegistryFixtures
import Testing

/// What the collection after `prune-tags` frees: exactly what the removed tags alone held
/// (plus the store's pre-existing garbage: the orphan blob and the image deleted through the API).
@Suite("prune-tags frees what removed tags alone held")
struct FreedContentTests {
    typealias Repo = RetentionScenario.Repo

    /// Removing `build-4`, whose manifest `latest` also names, frees nothing of the image: no
    /// revision is deleted and its manifest, config and layers stay.
    @Test func aTagSharingItsManifestWithAKeptTagFreesNothingOfTheImage() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let scenario = copy.scenario
        let image = scenario.image("\(Repo.app):build-4")
        let (run, report) = try await Regkeeper.pruneTags(["--repo", Repo.app, "--match", "^build-4$", "--keep-last", "0"], root: copy.root)
        Expect.pruned(run, report)
        Expect.same(report.removedKeys, ["\(Repo.app):build-4"], "removedTags")
        Expect.onlyTagsRemoved(["\(Repo.app):build-4"], in: copy)
        Expect.same(report.collection?.deletedManifestKeys ?? ["no collection"], [], "deletedManifests")
        Expect.same(report.collection?.deletedBlobDigests ?? [], scenario.garbageBlobs, "deletedBlobs (only the store's garbage)")
        let blobs = try copy.snapshot().blobDigests
        Expect.same(RetentionScenario.blobs(of: image).subtracting(blobs), [], "blobs of build-4's image missing")
        #expect(FileManager.default.fileExists(atPath: StoreLayout.revisionLink(copy.root, Repo.app, image.digest).path))
    }

    /// Removing the OCI index `old` (children a, b) and the Docker list `list-old` (children d, e)
    /// frees both indexes and children a, d, e; child b stays because the kept index `new` lists it.
    @Test func aRemovedIndexFreesItsChildrenExceptThoseAKeptIndexShares() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let scenario = copy.scenario
        let (run, report) = try await Regkeeper.pruneTags(["--repo", Repo.multi, "--keep-last", "1"], root: copy.root)
        Expect.pruned(run, report)
        Expect.same(report.removedKeys, ["\(Repo.multi):old", "\(Repo.multi):list-old"], "removedTags")
        let lost = ["old", "list-old", "a", "d", "e"].map { (repository: Repo.multi, manifest: scenario.image("\(Repo.multi):\($0)")) }
        Expect.same(report.collection?.deletedManifestKeys ?? [], Set(lost.map { "\($0.repository)@\($0.manifest.digest)" }), "deletedManifests")
        Expect.same(report.collection?.deletedBlobDigests ?? [], scenario.expectedFreedBlobs(losing: lost), "deletedBlobs")
        for kept in ["new", "b", "c"] {
            let digest = scenario.image("\(Repo.multi):\(kept)").digest
            #expect(FileManager.default.fileExists(atPath: StoreLayout.revisionLink(copy.root, Repo.multi, digest).path), "revision of \(kept)")
        }
        try Expect.storeConsistent(copy.root)
    }

    /// Removing tag `1` frees its image, its referrer r1 and r1's own referrer rr1 (OCI `subject`);
    /// r2, the referrer of the kept image `2`, stays with its payload (and the shared empty config).
    @Test func referrersOfARemovedImageAreFreedAndThoseOfKeptImagesStay() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let scenario = copy.scenario
        let (run, report) = try await Regkeeper.pruneTags(["--repo", Repo.signed, "--keep-last", "1"], root: copy.root)
        Expect.pruned(run, report)
        Expect.same(report.removedKeys, ["\(Repo.signed):1"], "removedTags")
        let lost = ["1", "r1", "rr1"].map { (repository: Repo.signed, manifest: scenario.image("\(Repo.signed):\($0)")) }
        Expect.same(report.collection?.deletedManifestKeys ?? [], Set(lost.map { "\($0.repository)@\($0.manifest.digest)" }), "deletedManifests")
        let freed = scenario.expectedFreedBlobs(losing: lost)
        Expect.same(report.collection?.deletedBlobDigests ?? [], freed, "deletedBlobs")
        let r2 = scenario.image("\(Repo.signed):r2")
        #expect(FileManager.default.fileExists(atPath: StoreLayout.revisionLink(copy.root, Repo.signed, r2.digest).path), "revision of r2")
        Expect.same(RetentionScenario.blobs(of: r2).subtracting(try copy.snapshot().blobDigests), [], "blobs of r2 missing")
        try Expect.storeConsistent(copy.root)
    }
}
