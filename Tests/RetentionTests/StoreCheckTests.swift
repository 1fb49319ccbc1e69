import Foundation
import RegistryFixtures
import Testing

/// Damage done to a copy of the scenario store, and the finding `check` must report for it
/// (`kind relative-path`, as `CheckReport.findingKeys` spells them).
struct Damage {
    let copy: ScenarioCopy
    typealias Repo = RetentionScenario.Repo

    private var root: URL { copy.root }
    private func key(_ kind: String, _ url: URL) -> String { "\(kind) \(StoreFiles.relative(url, in: root))" }
    private func removeBlob(_ digest: String) throws {
        try FileManager.default.removeItem(at: StoreLayout.blobData(root, digest).deletingLastPathComponent())
    }

    /// Deletes `ci/app:build-1`'s own layer blob: the tag is broken and the layer link dangles.
    func deleteLayerOfBuild1() throws -> Set<String> {
        let layer = copy.scenario.image("\(Repo.app):build-1").blobs.last!.digest
        try removeBlob(layer)
        return [key("brokenTag", StoreLayout.tagCurrentLink(root, Repo.app, "build-1")),
                key("danglingLayerLink", StoreLayout.layerLink(root, Repo.app, layer))]
    }

    /// Flips a byte of `ci/tools:2.0`'s layer blob (size kept): a corrupt blob, found only by hashing.
    func corruptLayerOfTools2() throws -> (finding: Set<String>, blob: URL) {
        let layer = copy.scenario.image("\(Repo.tools):2.0").blobs.last!.digest
        let url = StoreLayout.blobData(root, layer)
        try StoreFiles.flipByte(url)
        return ([key("corruptBlob", url)], url)
    }

    /// Empties the tag-history link of `ci/tools:1.0` (an interrupted write): a bad link file
    /// that does not stop the registry serving the tag.
    func emptyTagIndexLinkOfTools1() throws -> Set<String> {
        let digest = copy.scenario.tag(Repo.tools, "1.0").digest
        let link = copy.tagDirectory(Repo.tools, "1.0").appendingPathComponent("index/sha256/\(ContentDigest.hexPart(digest))/link")
        try Data().write(to: link)
        return [key("badLinkFile", link)]
    }

    /// Leaves `link.<uuid>.tmp` (registry 3.1+'s write-then-rename) beside `ci/tools:nightly`'s revision link.
    func leaveTemporaryLink() throws -> Set<String> {
        let digest = copy.scenario.tag(Repo.tools, "nightly").digest
        let tmp = StoreLayout.revisionDirectory(root, Repo.tools, digest).appendingPathComponent("link.4f1c2b9e-8d3a-4c55-9e7f-0a1b2c3d4e5f.tmp")
        try Data(digest.utf8).write(to: tmp)
        return [key("temporaryLeftover", tmp)]
    }

    /// Deletes the manifest blob of `prod/app`'s untagged, retagged-away revision: a dangling revision.
    func deleteRetaggedAwayManifest() throws -> Set<String> {
        let digest = copy.scenario.retaggedAway.digest
        try removeBlob(digest)
        return [key("danglingRevision", StoreLayout.revisionLink(root, Repo.prod, digest))]
    }

    /// Empties the `_layers` link of `ci/tools:nightly`'s layer (the blob itself is intact): the
    /// registry can no longer serve that layer from `ci/tools`.
    func emptyLayerLinkOfToolsNightly() throws -> Set<String> {
        let layer = copy.scenario.image("\(Repo.tools):nightly").blobs.last!.digest
        let link = StoreLayout.layerLink(root, Repo.tools, layer)
        try Data().write(to: link)
        return [key("badLinkFile", link)]
    }

    /// Deletes the blob no manifest references: its `prod/app` layer link dangles, nothing breaks.
    func deleteOrphanBlob() throws -> Set<String> {
        try removeBlob(copy.scenario.orphanBlob)
        return [key("danglingLayerLink", StoreLayout.layerLink(root, Repo.prod, copy.scenario.orphanBlob))]
    }
}

/// `regkeeper check` on stores made by the real registry, healthy and damaged.
@Suite("check")
struct StoreCheckTests {
    /// A store the real registry made (with deletes, an abandoned upload and an orphan blob,
    /// all of them normal) checks clean, every blob hashing to its name: exit 0, `ok: true`.
    @Test func aRegistryMadeStoreChecksClean() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let (run, report) = try await Regkeeper.check(["--verify-blobs"], root: copy.root)
        Expect.status(run, 0)
        #expect(report.ok)
        #expect(report.findings.isEmpty, "\(report.findings)")
    }

    /// A deleted layer blob: the tag needing it is broken and its layer link dangles; exit 3.
    @Test func aDeletedLayerBreaksItsTagAndLeavesADanglingLink() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let expected = try Damage(copy: copy).deleteLayerOfBuild1()
        let (run, report) = try await Regkeeper.check([], root: copy.root)
        Expect.status(run, 3)
        #expect(!report.ok)
        Expect.same(report.findingKeys, expected, "findings")
        #expect(report.counts == ["brokenTag": 1, "danglingLayerLink": 1])
    }

    /// A blob whose content no longer hashes to its name is found with `--verify-blobs`; exit 3.
    @Test func verifyBlobsFindsAFlippedByte() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let (expected, _) = try Damage(copy: copy).corruptLayerOfTools2()
        let (run, report) = try await Regkeeper.check(["--verify-blobs"], root: copy.root)
        Expect.status(run, 3)
        #expect(!report.ok)
        Expect.same(report.findingKeys, expected, "findings")
    }

    /// An empty link file (an interrupted write) is a bad link file; exit 3.
    @Test func anEmptyLinkFileIsABadLinkFile() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let expected = try Damage(copy: copy).emptyTagIndexLinkOfTools1()
        let (run, report) = try await Regkeeper.check([], root: copy.root)
        Expect.status(run, 3)
        Expect.same(report.findingKeys, expected, "findings")
    }

    /// A `link.<uuid>.tmp` left beside a link is reported as a temporary leftover; exit 3.
    @Test func aTemporaryLinkFileIsALeftover() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let expected = try Damage(copy: copy).leaveTemporaryLink()
        let (run, report) = try await Regkeeper.check([], root: copy.root)
        Expect.status(run, 3)
        Expect.same(report.findingKeys, expected, "findings")
    }

    /// `--repair` removes exactly the dangling layer and revision links, rewrites the bad link
    /// file (its directory names a blob that exists, so its content is known) — no blob, no
    /// manifest, no leftover, nothing else — reports the rest, exits 3 for what is left, and the
    /// real registry still serves every tag the damage did not touch.
    @Test func repairRemovesOnlyDanglingAndBadLinksAndHealthyTagsStillPull() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let damage = Damage(copy: copy)
        let broken = try damage.deleteLayerOfBuild1()
        let (corrupt, corruptURL) = try damage.corruptLayerOfTools2()
        let badLink = try damage.emptyTagIndexLinkOfTools1()
        let leftover = try damage.leaveTemporaryLink()
        let dangling = try damage.deleteRetaggedAwayManifest()
        let corruptBytes = try Data(contentsOf: corruptURL)
        let before = try copy.snapshot()

        let (run, report) = try await Regkeeper.check(["--repair", "--verify-blobs"], root: copy.root)
        Expect.status(run, 3)
        #expect(!report.ok)
        Expect.same(report.findingKeys, broken.union(corrupt).union(badLink).union(leftover).union(dangling), "findings")
        let repairable = Set(report.findingKeys.filter { $0.hasPrefix("dangling") || $0.hasPrefix("badLinkFile") })
        Expect.same(Set(report.findings.filter(\.repaired).map { "\($0.kind) \($0.relativePath)" }), repairable, "findings marked repaired")

        let after = try copy.snapshot()
        let repairedFiles = Set(repairable.map { String($0.split(separator: " ", maxSplits: 1)[1]) })
        let rewritten = Set(badLink.map { String($0.split(separator: " ", maxSplits: 1)[1]) })
        Expect.same(after.removedPaths(since: before), repairedFiles.subtracting(rewritten), "paths --repair removed")
        Expect.same(after.addedPaths(since: before), [], "paths --repair added")
        Expect.same(after.changedPaths(since: before), rewritten, "files --repair changed (rewritten bad links)")
        for path in rewritten {
            let hex = path.split(separator: "/").dropLast().last.map(String.init) ?? ""
            #expect(try String(contentsOf: copy.root.appendingPathComponent(path), encoding: .utf8) == "sha256:" + hex)
        }
        Expect.same(after.blobDigests, before.blobDigests, "blobs")
        #expect(try Data(contentsOf: corruptURL) == corruptBytes, "the corrupt blob was touched")

        let server = try await RegistryServer.start(storeRoot: copy.root)
        defer { server.stop() }
        let scratch = try TemporaryDirectory(prefix: "pull")
        defer { scratch.remove() }
        let damaged: Set<String> = ["ci/app:build-1", "ci/tools:2.0"]
        for tag in copy.scenario.tags where !damaged.contains(tag.key) {
            let pulled = try await Skopeo.pullAll(repository: tag.repository, reference: tag.tag, from: server.hostAndPort, into: scratch.url)
            #expect(pulled.succeeded, "skopeo copy --all \(tag) failed after --repair: \(pulled.stderrText.suffix(600))")
        }
    }

    /// When every problem is a dangling or bad link, `--repair` fixes them all (exit 0, `ok: true`)
    /// and a second check finds the store clean.
    @Test func repairOfOnlyLinkProblemsLeavesACleanStore() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let damage = Damage(copy: copy)
        let expected = try damage.deleteOrphanBlob().union(try damage.emptyTagIndexLinkOfTools1()).union(try damage.deleteRetaggedAwayManifest())
        let (run, report) = try await Regkeeper.check(["--repair"], root: copy.root)
        Expect.status(run, 0)
        #expect(report.ok)
        Expect.same(report.findingKeys, expected, "findings")
        let unrepaired = report.findings.filter { !$0.repaired }
        #expect(unrepaired.isEmpty, "not repaired: \(unrepaired)")
        let (again, second) = try await Regkeeper.check([], root: copy.root)
        Expect.status(again, 0)
        #expect(second.findings.isEmpty, "\(second.findings)")
    }

    /// `check` saying `ok` must mean the registry serves every tag. An emptied `_layers` link of a
    /// layer `ci/tools:nightly` needs breaks the tag (the registry answers BLOB_UNKNOWN for it);
    /// after `--repair` has removed that link file, either the tag pulls again or a second check
    /// still reports a problem — never "ok" for a tag the registry cannot serve.
    @Test func aStoreCheckCallsOkIsServedAfterRepairingALayerLink() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        _ = try Damage(copy: copy).emptyLayerLinkOfToolsNightly()
        let (repairRun, _) = try await Regkeeper.check(["--repair"], root: copy.root)
        let (checkRun, second) = try await Regkeeper.check([], root: copy.root)

        let server = try await RegistryServer.start(storeRoot: copy.root)
        defer { server.stop() }
        let scratch = try TemporaryDirectory(prefix: "pull")
        defer { scratch.remove() }
        let pulled = try await Skopeo.pullAll(repository: RetentionScenario.Repo.tools, reference: "nightly", from: server.hostAndPort, into: scratch.url)
        #expect(!second.ok || pulled.succeeded,
                "check calls the store ok after --repair, but ci/tools:nightly does not pull: \(pulled.stderrText.suffix(400))\n\(repairRun)\n\(checkRun)")
    }

    /// A tag the real registry cannot serve is not "ok": removing the `_layers` link of a layer
    /// `ci/tools:nightly` needs (blob intact), or the revision link of the manifest `ci/tools:2.0`
    /// points at (blob intact), makes the pull fail; check must then report a problem (exit 3).
    @Test(arguments: ["layer link", "revision link"])
    func aTagMissingALinkInItsRepositoryIsReported(missing: String) async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let scenario = copy.scenario
        let tag = missing == "layer link" ? scenario.tag(RetentionScenario.Repo.tools, "nightly") : scenario.tag(RetentionScenario.Repo.tools, "2.0")
        let link = missing == "layer link"
            ? StoreLayout.layerLink(copy.root, tag.repository, scenario.image(tag.key).blobs.last!.digest)
            : StoreLayout.revisionLink(copy.root, tag.repository, tag.digest)
        try FileManager.default.removeItem(at: link)

        let server = try await RegistryServer.start(storeRoot: copy.root)
        let scratch = try TemporaryDirectory(prefix: "pull")
        defer { scratch.remove() }
        let pulled = try await Skopeo.pullAll(repository: tag.repository, reference: tag.tag, from: server.hostAndPort, into: scratch.url)
        server.stop()
        #expect(!pulled.succeeded, "premise: \(tag) should not pull without its \(missing)")

        let (run, report) = try await Regkeeper.check([], root: copy.root)
        Expect.status(run, 3)
        #expect(!report.ok, "check calls a store ok whose tag \(tag) the registry cannot serve (\(missing) removed)")
    }
}
