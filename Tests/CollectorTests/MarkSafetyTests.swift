import Collector
import Foundation
import RegistryStore
import Testing

/// If the mark cannot read or understand something, nothing is swept and the problem names its path.
@Suite struct MarkSafetyTests {
    func storeWithGarbage() throws -> (HandmadeStore, Digest) {
        let store = try HandmadeStore()
        try store.image("app", tag: "v1", layers: ["a"])
        let garbage = try store.blob("unreferenced")
        return (store, garbage)
    }

    func expectNothingSwept(_ store: HandmadeStore, _ before: [String: String], _ result: CollectionResult,
                            pathContaining fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(!result.swept, sourceLocation: sourceLocation)
        #expect(try store.snapshot() == before, sourceLocation: sourceLocation)
        #expect(result.errors.contains { $0.path.contains(fragment) }, "errors: \(result.errors)", sourceLocation: sourceLocation)
    }

    @Test func anEmptyRevisionLinkBlocksTheSweep() throws {
        let (store, _) = try storeWithGarbage()
        let broken = try store.blob("{}")
        try store.write(StoreLayout.revisionDirectory("app", broken) + "/link", [])
        let before = try store.snapshot()
        try expectNothingSwept(store, before, try store.collect(), pathContaining: "revisions/sha256/\(broken.hex)/link")
    }

    @Test func aGarbageTagLinkBlocksTheSweep() throws {
        let (store, _) = try storeWithGarbage()
        try store.write(StoreLayout.tagCurrentLink("app", "v1"), String(repeating: "x", count: 71))
        let before = try store.snapshot()
        try expectNothingSwept(store, before, try store.collect(), pathContaining: "tags/v1/current/link")
    }

    @Test func aGarbageLayerLinkBlocksTheSweep() throws {
        let (store, garbage) = try storeWithGarbage()
        try store.write(StoreLayout.layerLinkDirectory("app", garbage) + "/link", "sha256:nothex\n")
        let before = try store.snapshot()
        try expectNothingSwept(store, before, try store.collect(), pathContaining: "_layers/sha256/\(garbage.hex)/link")
    }

    @Test func aLinkNamingAnotherDigestThanItsDirectoryBlocksTheSweep() throws {
        let (store, garbage) = try storeWithGarbage()
        let other = try store.blob("other")
        try store.link(StoreLayout.revisionDirectory("app", garbage), other)
        let before = try store.snapshot()
        try expectNothingSwept(store, before, try store.collect(), pathContaining: garbage.hex)
    }

    @Test func anUnparseableManifestBlocksTheSweep() throws {
        let (store, _) = try storeWithGarbage()
        let junk = try store.blob("this is not a manifest")
        try store.revision("app", junk)
        let before = try store.snapshot()
        try expectNothingSwept(store, before, try store.collect(), pathContaining: junk.hex)
    }

    @Test func aManifestWhoseContentDoesNotMatchItsDigestBlocksTheSweep() throws {
        let (store, _) = try storeWithGarbage()
        let image = try store.image("app", tag: "v2", layers: ["b"])
        try store.write(StoreLayout.blobData(image.manifest), "{\"schemaVersion\":2,\"manifests\":[]}")
        let before = try store.snapshot()
        let result = try store.collect()
        try expectNothingSwept(store, before, result, pathContaining: image.manifest.hex)
        #expect(result.errors.contains { $0.message.contains("does not match its digest") })
    }

    @Test func aLinkThatCannotBeReadBlocksTheSweep() throws {
        let (store, garbage) = try storeWithGarbage()
        // A directory where the link file belongs: open succeeds, reading does not.
        try FileManager.default.createDirectory(
            at: store.v2.appendingPathComponent(StoreLayout.revisionDirectory("app", garbage) + "/link/inner"),
            withIntermediateDirectories: true)
        let before = try store.snapshot()
        try expectNothingSwept(store, before, try store.collect(), pathContaining: "revisions/sha256/\(garbage.hex)/link")
    }

    @Test func anUnreadableDirectoryBlocksTheSweep() throws {
        guard geteuid() != 0 else { return }  // root reads through mode 000; covered by the link-is-a-directory test
        let (store, _) = try storeWithGarbage()
        let tags = store.v2.appendingPathComponent(StoreLayout.tagsDirectory("app"))
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: tags.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tags.path) }
        let result = try store.collect()
        #expect(!result.swept)
        #expect(result.errors.contains { $0.path.hasSuffix("_manifests/tags") })
    }

    @Test func aMissingManifestBlobIsOnlyAWarning() throws {
        let (store, garbage) = try storeWithGarbage()
        let lost = Digest(bytes: Array(repeating: 7, count: 32))!
        try store.revision("app", lost)
        let result = try store.collect()
        #expect(result.errors.isEmpty)
        #expect(result.warnings.contains { $0.message.contains(lost.description) })
        #expect(result.swept)
        #expect(!store.hasBlob(garbage))
    }

    @Test func aDryRunChangesNoFile() throws {
        let (store, garbage) = try storeWithGarbage()
        try store.image("app", tag: nil, layers: ["untagged"])
        let before = try store.snapshot()
        let result = try store.collect(deleteUntagged: true, dryRun: true)
        #expect(try store.snapshot() == before)
        #expect(result.plan.blobs.contains { $0.digest == garbage })
        #expect(result.plan.revisions.count == 1)
    }
}
