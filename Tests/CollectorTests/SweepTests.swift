import Collector
import FilesystemStore
import Foundation
import RegistryStore
import Testing

/// What the sweep removes besides blobs, and the order that keeps a store serving if it stops.
@Suite struct SweepTests {
    @Test func unreferencedBlobsAndTheirLayerLinksGo() throws {
        let store = try HandmadeStore()
        let kept = try store.image("app", tag: "v1", layers: ["a"])
        let garbage = try store.blob("orphan")
        try store.link(StoreLayout.layerLinkDirectory("app", garbage), garbage)
        let result = try store.collect()
        #expect(result.swept)
        #expect(!store.hasBlob(garbage))
        #expect(!store.exists(StoreLayout.layerLinkDirectory("app", garbage)))
        #expect(store.hasBlob(kept.manifest) && store.hasBlob(kept.config) && store.hasBlob(kept.layers[0]))
        #expect(store.exists(StoreLayout.layerLinkDirectory("app", kept.layers[0]) + "/link"))
    }

    @Test func aLayerLinkToAMissingBlobGoes() throws {
        let store = try HandmadeStore()
        try store.image("app", tag: "v1", layers: ["a"])
        let ghost = Digest(bytes: Array(repeating: 9, count: 32))!
        try store.link(StoreLayout.layerLinkDirectory("app", ghost), ghost)
        _ = try store.collect()
        #expect(!store.exists(StoreLayout.layerLinkDirectory("app", ghost)))
    }

    @Test func emptyRevisionDirectoriesAndStaleTagHistoryGo() throws {
        let store = try HandmadeStore()
        let old = try store.image("app", tag: "v1", layers: ["a"])
        let new = try store.image("app", tag: "v1", layers: ["b"])  // retag: v1's history holds both
        // Manifest DELETE of the old one: the link goes, the directory stays.
        try FileManager.default.removeItem(at: store.v2.appendingPathComponent(StoreLayout.revisionDirectory("app", old.manifest) + "/link"))
        _ = try store.collect()
        #expect(!store.exists(StoreLayout.revisionDirectory("app", old.manifest)))
        #expect(!store.exists(StoreLayout.tagIndexEntry("app", "v1", old.manifest)))
        #expect(store.exists(StoreLayout.tagIndexEntry("app", "v1", new.manifest) + "/link"))
        #expect(!store.hasBlob(old.manifest) && !store.hasBlob(old.layers[0]))
        #expect(store.hasBlob(new.manifest))
    }

    @Test func uploadsOlderThanTheUploadAgeGoAndYoungerOnesStay() throws {
        let store = try HandmadeStore()
        try store.image("app", tag: "v1", layers: ["a"])
        try store.write(StoreLayout.uploadDirectory("app", "old-session") + "/startedat", "2020-01-01T00:00:00Z")
        try store.write(StoreLayout.uploadDirectory("app", "old-session") + "/data", "partial")
        try store.write(StoreLayout.uploadDirectory("app", "new-session") + "/startedat", Timestamp.formatRFC3339(Int64(Date().timeIntervalSince1970 * 1e9)))
        let result = try store.collect(uploadAge: 24 * 3600 * 1_000_000_000)
        #expect(!store.exists(StoreLayout.uploadDirectory("app", "old-session")))
        #expect(store.exists(StoreLayout.uploadDirectory("app", "new-session") + "/startedat"))
        #expect(result.plan.uploads.map(\.id) == ["old-session"])
        #expect(result.plan.reclaimedBytes == Int64("partial".utf8.count))
    }

    @Test func emptyRepositoriesAreRemovedOnlyWhenAskedAndNeverOverNestedOnes() throws {
        let store = try HandmadeStore()
        let gone = try store.image("team/old", tag: nil, layers: ["x"])
        try FileManager.default.removeItem(at: store.v2.appendingPathComponent(StoreLayout.revisionDirectory("team/old", gone.manifest) + "/link"))
        try store.image("team/app", tag: nil, layers: ["y"])
        try store.image("team/app/api", tag: "v1", layers: ["z"])
        _ = try store.collect(deleteUntagged: true)
        #expect(store.exists(StoreLayout.repository("team/old")))

        let result = try store.collect(deleteUntagged: true, removeEmptyRepositories: true)
        #expect(result.plan.repositories == ["team/old"])
        #expect(!store.exists(StoreLayout.repository("team/old")))
        #expect(store.exists(StoreLayout.repository("team/app/_manifests")))
        #expect(store.exists(StoreLayout.tagCurrentLink("team/app/api", "v1")))
    }

    @Test func aSweepStoppedAfterTheLinkPhaseLeavesTagsServableAndARerunFinishes() throws {
        let store = try HandmadeStore()
        let kept = try store.image("app", tag: "v1", layers: ["shared", "a"])
        let untagged = try store.image("app", tag: nil, layers: ["shared", "b"])
        let full = try store.collect(deleteUntagged: true, dryRun: true).plan
        // Run only the first phase, as if the process died right after it.
        var firstPhase = CollectionPlan()
        firstPhase.revisions = full.revisions
        firstPhase.tagIndexEntries = full.tagIndexEntries
        let backend = try FilesystemBackend(root: store.root.path)
        let root = try #require(try backend.registryRoot())
        let outcome = Sweeper(backend: backend, root: root, jobs: 2).sweep(firstPhase)
        #expect(outcome.completed)
        for digest in [kept.manifest, kept.config] + kept.layers { #expect(store.hasBlob(digest)) }
        #expect(store.hasBlob(untagged.layers[1]))

        let rerun = try store.collect(deleteUntagged: true)
        #expect(rerun.swept)
        #expect(!store.hasBlob(untagged.manifest) && !store.hasBlob(untagged.layers[1]))
        for digest in [kept.manifest, kept.config] + kept.layers { #expect(store.hasBlob(digest)) }
    }

    @Test func aSecondCollectionFindsNothingLeft() throws {
        let store = try HandmadeStore()
        try store.image("app", tag: "v1", layers: ["a"])
        try store.image("app", tag: nil, layers: ["b"])
        try store.blob("orphan")
        _ = try store.collect(deleteUntagged: true)
        let again = try store.collect(deleteUntagged: true, dryRun: true).plan
        #expect(again.blobs.isEmpty && again.revisions.isEmpty && again.layerLinks.isEmpty)
        #expect(again.emptyRevisionDirectories.isEmpty && again.emptyTagIndexDirectories.isEmpty)
    }
}
