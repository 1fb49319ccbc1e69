import Foundation
import RegistryFixtures
import Testing

/// After `prune-tags` and its collection, the real registry serves the store as a client expects.
@Suite("prune-tags: the real registry serves the result")
struct ServedAfterPruneTests {
    typealias Repo = RetentionScenario.Repo

    /// Every kept tag pulls completely with `skopeo copy --all` (indexes with their children), every
    /// removed tag answers 404 and is missing from tags/list, the kept image's referrer answers by
    /// digest, and manifests only removed tags held answer 404 by digest.
    @Test func keptTagsPullAndRemovedTagsAnswer404() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let scenario = copy.scenario
        let (run, report) = try await Regkeeper.pruneTags(BroadPrune.arguments, root: copy.root)
        Expect.pruned(run, report)
        let removed = BroadPrune.removed(scenario)
        Expect.same(report.removedKeys, removed, "removedTags")

        let server = try await RegistryServer.start(storeRoot: copy.root)
        defer { server.stop() }
        let scratch = try TemporaryDirectory(prefix: "pull")
        defer { scratch.remove() }
        for tag in scenario.tags {
            let listed = try await server.client.tags(of: tag.repository)
            if removed.contains(tag.key) {
                let response = try await server.client.getManifest(tag.tag, in: tag.repository)
                #expect(response.status == 404, "removed tag \(tag) answers \(response.status)")
                #expect(!listed.contains(tag.tag), "removed tag \(tag) still in tags/list")
            } else {
                let pulled = try await Skopeo.pullAll(repository: tag.repository, reference: tag.tag, from: server.hostAndPort, into: scratch.url)
                #expect(pulled.succeeded, "skopeo copy --all \(tag) failed: \(pulled.stderrText.suffix(600))")
                #expect(listed.contains(tag.tag), "kept tag \(tag) missing from tags/list \(listed)")
            }
        }
        // The referrer of the kept image 2 is served with its blobs.
        let r2 = scenario.image("\(Repo.signed):r2")
        #expect(try await server.client.getManifest(r2.digest, in: Repo.signed).status == 200, "referrer r2")
        for blob in r2.blobs {
            #expect(try await server.client.getBlob(blob.digest, in: Repo.signed).status == 200, "blob \(blob.digest) of r2")
        }
        // What only removed tags held is gone from the API too; the child a kept index shares is not.
        for (repository, name) in [(Repo.app, "build-1"), (Repo.multi, "a"), (Repo.multi, "d"), (Repo.signed, "1"), (Repo.signed, "r1")] {
            let digest = scenario.image("\(repository):\(name)").digest
            let status = try await server.client.getManifest(digest, in: repository).status
            #expect(status == 404, "\(repository)@\(name) answers \(status) by digest")
        }
        #expect(try await server.client.getManifest(scenario.image("\(Repo.multi):b").digest, in: Repo.multi).status == 200)
    }
}
