import Foundation
import RegistryFixtures
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The harness itself: the scenario store is what `RetentionScenario` says. Passes without the engine.
@Suite("retention scenario")
struct ScenarioTests {
    /// Built in seconds; every tag's `current/link` carries the push time the rules are tested
    /// against; the API delete took the image's revision link and its tag; the upload is 200 h old.
    @Test func theScenarioHoldsWhatItClaims() async throws {
        let scenario = try await ScenarioCache.shared.scenario()
        #expect(scenario.buildSeconds < 30, "built in \(scenario.buildSeconds) s")
        for tag in scenario.tags {
            var info = stat()
            #expect(lstat(StoreLayout.tagCurrentLink(scenario.root, tag.repository, tag.tag).path, &info) == 0)
            #expect(Int(info.st_mtim.tv_sec) == tag.pushedAt, "push time of \(tag)")
        }
        let snapshot = try StoreSnapshot.capture(scenario.root)
        #expect(!snapshot.revisionLinks.contains(RepositoryDigest(repository: "ci/cosign", digest: scenario.deletedImage.digest)))
        #expect(snapshot.revisionLinks.contains(RepositoryDigest(repository: "prod/app", digest: scenario.retaggedAway.digest)))
        #expect(scenario.tags(of: "ci/cosign").count == 3)
        let startedAt = try String(contentsOf: StoreLayout.upload(scenario.root, "ci/app", scenario.abandonedUpload.id)
            .appendingPathComponent("startedat"), encoding: .utf8)
        #expect(startedAt == StoreFiles.rfc3339(scenario.builtAt - 200 * 3600))
        #expect(snapshot.layerLinks.contains(RepositoryDigest(repository: "ci/app", digest: scenario.base.digest)))
        #expect(snapshot.layerLinks.contains(RepositoryDigest(repository: "prod/app", digest: scenario.base.digest)))
    }
}
