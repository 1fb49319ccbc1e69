import FilesystemStore
import Foundation
import Inspection
import RegistryStore
import Testing

/// `du`: each byte is attributed the way an operator deciding what to delete needs.
@Suite struct UsageTests {
    func usage(_ store: CheckTests.Store) throws -> UsageReport {
        try UsageScanner(backend: try FilesystemBackend(root: store.root.path), jobs: 2)
            .run(now: Int64(Date().timeIntervalSince1970 * 1e9), uploadAge: 3600 * 1_000_000_000).0
    }

    func size(_ digests: Digest..., in store: CheckTests.Store) throws -> Int64 {
        try digests.reduce(0) { total, digest in
            total + Int64(try Data(contentsOf: store.v2.appendingPathComponent(StoreLayout.blobData(digest))).count)
        }
    }

    @Test func sharedLayersAreSharedAndTheRestIsOnlyHere() throws {
        let store = try CheckTests.Store()
        let one = try store.image("one", tag: "v1", layers: ["common base layer", "one's own layer"])
        try store.image("two", tag: "v1", layers: ["common base layer"])
        let row = try #require(try usage(store).repositories.first { $0.name == "one" })
        let common = one.layers[0]
        #expect(row.sharedBytes == (try size(common, in: store)))
        #expect(row.exclusiveBytes == row.totalBytes - row.sharedBytes)
        #expect(row.referencedBytes == row.totalBytes)
        #expect(row.untaggedBytes == 0)
    }

    @Test func untaggedManifestsAndUnreferencedBlobsAreCountedApart() throws {
        let store = try CheckTests.Store()
        try store.image("app", tag: "v1", layers: ["tagged"])
        let old = try store.image("app", tag: "old", layers: ["retagged away"])
        try store.remove(StoreLayout.tagsDirectory("app") + "/old")  // now an untagged revision
        let orphan = try store.blob("orphan linked into app")
        try store.link(StoreLayout.layerLinkDirectory("app", orphan), orphan)
        let report = try usage(store)
        let row = try #require(report.repositories.first)
        #expect(row.unreferencedBytes == (try size(orphan, in: store)))
        #expect(row.untaggedBytes >= (try size(old.manifest, old.layers[0], in: store)))
        #expect(report.totals.unreferencedBytes == row.unreferencedBytes)
        #expect(report.totals.referencedBytes + report.totals.untaggedBytes + report.totals.unreferencedBytes == report.totals.blobBytes)
    }

    @Test func theBiggestTagsComeFirst() throws {
        let store = try CheckTests.Store()
        try store.image("app", tag: "small", layers: ["s"])
        try store.image("app", tag: "big", layers: [String(repeating: "b", count: 10_000)])
        #expect(try usage(store).biggestTags.map(\.tag) == ["big", "small"])
    }
}
