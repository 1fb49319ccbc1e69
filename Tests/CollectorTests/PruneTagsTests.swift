import Collector
import FilesystemStore
import Foundation
import RegistryStore
import Testing

/// `prune-tags`: which tags go, and that the collection frees exactly what they alone held.
@Suite struct PruneTagsTests {
    /// Pushes `tags` into `repository`, one image each, with push times one hour apart (oldest first).
    func pushTags(_ store: HandmadeStore, _ repository: String, _ tags: [String]) throws -> [String: Digest] {
        var manifests: [String: Digest] = [:]
        for (index, tag) in tags.enumerated() {
            manifests[tag] = try store.image(repository, tag: tag, layers: ["\(repository) \(tag)"]).manifest
            try store.age(StoreLayout.tagCurrentLink(repository, tag), seconds: Double(tags.count - index) * 3600)
        }
        return manifests
    }

    func prune(_ store: HandmadeStore, _ rules: [RetentionRule], dryRun: Bool = false, orphans: Bool = false) throws -> PruneResult {
        var options = PruneOptions()
        options.dryRun = dryRun
        options.pruneOrphanSignatures = orphans
        options.jobs = 2
        options.collection.minimumAge = 0
        let backend = try FilesystemBackend(root: store.root.path)
        return try TagPruner(backend: backend, policy: RetentionPolicy(rules: rules), options: options)
            .run(now: Int64(Date().timeIntervalSince1970 * 1e9))
    }

    func tags(_ store: HandmadeStore, _ repository: String) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: store.v2.appendingPathComponent(StoreLayout.tagsDirectory(repository)).path))
    }

    @Test func keepLastKeepsTheMostRecentlyPushedTags() throws {
        let store = try HandmadeStore()
        let pushed = try pushTags(store, "ci/app", ["b1", "b2", "b3", "b4"])
        let result = try prune(store, [RetentionRule(repository: "ci/*", keepLast: 2)])
        #expect(result.removedTags.map(\.tag) == ["b1", "b2"])
        #expect(try tags(store, "ci/app") == ["b3", "b4"])
        #expect(!store.hasBlob(pushed["b1"]!) && store.hasBlob(pushed["b4"]!))
        #expect(!store.exists(StoreLayout.revisionDirectory("ci/app", pushed["b1"]!)))
    }

    @Test func keepWithinKeepsRecentlyPushedTags() throws {
        let store = try HandmadeStore()
        _ = try pushTags(store, "app", ["old", "older", "new"])  // 3h, 2h, 1h ago
        try store.age(StoreLayout.tagCurrentLink("app", "new"), seconds: 60)
        let result = try prune(store, [RetentionRule(keepWithin: "90m")])
        #expect(Set(result.removedTags.map(\.tag)) == ["old", "older"])
    }

    @Test func keepTagPatternsAreNeverRemovedAndMatchLimitsTheCandidates() throws {
        let store = try HandmadeStore()
        _ = try pushTags(store, "app", ["v1.0", "latest", "build-1", "build-2", "pr-7"])
        let result = try prune(store, [RetentionRule(keepLast: 0, keepTags: ["^v\\d+", "^latest$"], match: "^build-")])
        #expect(result.removedTags.map(\.tag) == ["build-1", "build-2"])
        #expect(try tags(store, "app") == ["v1.0", "latest", "pr-7"])
    }

    @Test func theFirstMatchingRuleGovernsARepository() throws {
        let store = try HandmadeStore()
        _ = try pushTags(store, "ci/app", ["a", "b", "c"])
        _ = try pushTags(store, "prod/app", ["a", "b", "c"])
        let policy = try RetentionPolicy.decode(Array(#"{"rules":[{"repository":"ci/*","keepLast":1},{"repository":"*","keepLast":3}]}"#.utf8))
        let result = try prune(store, policy.rules)
        #expect(result.removedTags.map { "\($0.repository):\($0.tag)" } == ["ci/app:a", "ci/app:b"])
    }

    @Test func aTagSharingItsManifestWithAKeptTagFreesNothing() throws {
        let store = try HandmadeStore()
        let image = try store.image("app", tag: "stable", layers: ["shared"])
        try store.tag("app", "old-alias", image.manifest)
        try store.age(StoreLayout.tagCurrentLink("app", "old-alias"), seconds: 7200)
        let result = try prune(store, [RetentionRule(keepLast: 1)])
        #expect(result.removedTags.map(\.tag) == ["old-alias"])
        #expect(result.collection?.plan.revisions.isEmpty == true)
        #expect(store.hasBlob(image.manifest) && store.hasBlob(image.layers[0]))
    }

    @Test func aRemovedIndexTakesItsChildrenButNotThoseAKeptIndexShares() throws {
        let store = try HandmadeStore()
        let shared = try store.image("app", layers: ["shared child"])
        let onlyOld = try store.image("app", layers: ["old child"])
        let oldIndex = try store.index("app", tag: "old", children: [shared.manifest, onlyOld.manifest])
        try store.index("app", tag: "new", children: [shared.manifest])
        try store.age(StoreLayout.tagCurrentLink("app", "old"), seconds: 7200)
        let result = try prune(store, [RetentionRule(keepLast: 1)])
        #expect(Set(result.collection?.plan.revisions.map(\.digest) ?? []) == [oldIndex, onlyOld.manifest])
        #expect(store.hasBlob(shared.layers[0]) && !store.hasBlob(onlyOld.layers[0]))
    }

    @Test func referrersOfARemovedImageGoWithIt() throws {
        let store = try HandmadeStore()
        let old = try store.image("app", tag: "old", layers: ["old"])
        let signature = try store.image("app", layers: ["signature"], subject: old.manifest)
        try store.image("app", tag: "new", layers: ["new"])
        try store.age(StoreLayout.tagCurrentLink("app", "old"), seconds: 7200)
        _ = try prune(store, [RetentionRule(keepLast: 1)])
        #expect(!store.hasBlob(signature.manifest) && !store.hasBlob(signature.layers[0]))
    }

    @Test func untaggedManifestsTheRemovedTagsNeverReachedAreLeftAlone() throws {
        let store = try HandmadeStore()
        let pushedByDigest = try store.image("app", layers: ["pushed by digest, on purpose"])
        _ = try pushTags(store, "app", ["a", "b"])
        let result = try prune(store, [RetentionRule(keepLast: 1)])
        #expect(result.removedTags.map(\.tag) == ["a"])
        #expect(store.exists(StoreLayout.revisionDirectory("app", pushedByDigest.manifest) + "/link"))
        #expect(store.hasBlob(pushedByDigest.layers[0]))
    }

    @Test func orphanSignatureTagsGoOnlyWhenAsked() throws {
        let store = try HandmadeStore()
        let image = try store.image("app", tag: "v1", layers: ["app"])
        let gone = Digest(bytes: Array(repeating: 5, count: 32))!
        let liveSignature = try store.image("app", tag: "sha256-\(image.manifest.hex).sig", layers: ["sig of live"])
        try store.image("app", tag: "sha256-\(gone.hex).sig", layers: ["sig of gone"])
        #expect(try prune(store, [], dryRun: true).removedTags.isEmpty)
        let result = try prune(store, [], orphans: true)
        #expect(result.removedTags.map(\.tag) == ["sha256-\(gone.hex).sig"])
        #expect(store.hasBlob(liveSignature.layers[0]))
    }

    @Test func aDryRunChangesNoFileButReportsTheBytes() throws {
        let store = try HandmadeStore()
        _ = try pushTags(store, "app", ["a", "b", "c"])
        let before = try store.snapshot()
        let result = try prune(store, [RetentionRule(keepLast: 1)], dryRun: true)
        #expect(try store.snapshot() == before)
        #expect(result.removedTags.count == 2)
        #expect((result.collection?.plan.reclaimedBytes ?? 0) > 0)
        #expect(result.collection?.plan.revisions.count == 2)
    }

    @Test func aRuleThatKeepsNothingIsRefused() {
        #expect(throws: RetentionRule.Problem.noKeep("*")) { try RetentionRule(match: "^pr-").validate() }
        #expect(throws: RetentionRule.Problem.self) { try RetentionRule(keepLast: 1, keepTags: ["("]).validate() }
        #expect(throws: RetentionRule.Problem.badDuration("soon")) { try RetentionRule(keepWithin: "soon").validate() }
    }
}
