import Collector
import Foundation
import RegistryStore
import Testing

/// Which manifests `--delete-untagged` keeps: what tags reach, through index children and referrers.
@Suite struct ReachabilityTests {
    @Test func untaggedChildrenOfATaggedIndexAreKept() throws {
        let store = try HandmadeStore()
        let amd = try store.image("app", layers: ["amd64"])
        let arm = try store.image("app", layers: ["arm64"])
        let index = try store.index("app", tag: "multi", children: [amd.manifest, arm.manifest])
        let result = try store.collect(deleteUntagged: true)
        #expect(result.plan.revisions.isEmpty)
        for digest in [index, amd.manifest, arm.manifest, amd.layers[0], arm.layers[0], amd.config] { #expect(store.hasBlob(digest)) }
    }

    @Test func nestedIndexesAreFollowedRecursively() throws {
        let store = try HandmadeStore()
        let leaf = try store.image("app", layers: ["leaf"])
        let inner = try store.index("app", tag: nil, children: [leaf.manifest])
        try store.index("app", tag: "top", children: [inner])
        let result = try store.collect(deleteUntagged: true)
        #expect(result.plan.revisions.isEmpty)
        #expect(store.hasBlob(leaf.layers[0]))
    }

    @Test func referrersOfAKeptManifestAndTheirReferrersAreKept() throws {
        let store = try HandmadeStore()
        let image = try store.image("app", tag: "v1", layers: ["a"])
        let signature = try store.image("app", layers: ["sig"], subject: image.manifest, artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json")
        let signatureOfSignature = try store.image("app", layers: ["sigsig"], subject: signature.manifest)
        let result = try store.collect(deleteUntagged: true)
        #expect(result.plan.revisions.isEmpty)
        for digest in [signature.manifest, signature.layers[0], signatureOfSignature.manifest, signatureOfSignature.layers[0]] {
            #expect(store.hasBlob(digest))
        }
    }

    @Test func referrersOfADeletedManifestGoWithIt() throws {
        let store = try HandmadeStore()
        try store.image("app", tag: "v1", layers: ["a"])
        let untagged = try store.image("app", layers: ["old"])
        let sbom = try store.image("app", layers: ["sbom"], subject: untagged.manifest)
        let result = try store.collect(deleteUntagged: true)
        #expect(Set(result.plan.revisions.map(\.digest)) == [untagged.manifest, sbom.manifest])
        #expect(!store.hasBlob(sbom.layers[0]) && !store.hasBlob(untagged.layers[0]))
    }

    @Test func reachabilityIsPerRepository() throws {
        let store = try HandmadeStore()
        let shared = try store.image("one", tag: "v1", layers: ["same"])
        // The same manifest pushed untagged into another repository.
        try store.revision("two", shared.manifest)
        let result = try store.collect(deleteUntagged: true)
        #expect(result.plan.revisions.map(\.repository) == ["two"])
        #expect(store.hasBlob(shared.manifest))  // still needed by "one"
    }

    @Test func defaultModeKeepsEveryRevision() throws {
        let store = try HandmadeStore()
        let untagged = try store.image("app", layers: ["u"])
        let result = try store.collect()
        #expect(result.plan.revisions.isEmpty)
        #expect(store.hasBlob(untagged.layers[0]))
    }
}

/// The grace period: nothing younger than `--min-age` is deleted, so a push in progress survives.
@Suite struct GracePeriodTests {
    let hour: Int64 = 3600 * 1_000_000_000

    @Test func youngUnreferencedBlobsAreKeptAndOldOnesGo() throws {
        let store = try HandmadeStore()
        try store.image("app", tag: "v1", layers: ["a"])
        let old = try store.blob("old orphan")
        let young = try store.blob("young orphan")
        try store.ageEverything(seconds: 7200)
        try store.age(StoreLayout.blobData(young), seconds: 60)
        let result = try store.collect(minimumAge: hour)
        #expect(!store.hasBlob(old))
        #expect(store.hasBlob(young))
        #expect(result.plan.youngBlobCount == 1)
    }

    @Test func aYoungLayerLinkKeepsAnOldBlob() throws {
        // A re-push of a layer whose blob already exists only writes the layer link.
        let store = try HandmadeStore()
        let old = try store.blob("layer being re-pushed")
        try store.ageEverything(seconds: 7200)
        try store.link(StoreLayout.layerLinkDirectory("app", old), old)
        _ = try store.collect(minimumAge: hour)
        #expect(store.hasBlob(old))
    }

    @Test func aYoungUntaggedRevisionIsARoot() throws {
        let store = try HandmadeStore()
        try store.ageEverything(seconds: 7200)
        let pushing = try store.image("app", layers: ["in flight"])  // manifest pushed, tag not yet
        let result = try store.collect(deleteUntagged: true, minimumAge: hour)
        #expect(result.plan.revisions.isEmpty)
        #expect(store.hasBlob(pushing.layers[0]))
    }
}
