import Foundation
import RegistryFixtures
import Testing

/// Assertions shared by the retention, check and du tests.
enum Expect {
    /// Records one compact issue (what is extra, what is missing) unless the two sets are equal.
    static func same<T: Hashable & Comparable>(
        _ actual: Set<T>, _ expected: Set<T>, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        if let difference = SetDifference.describe(actual, expected, what) {
            Issue.record(Comment(rawValue: difference), sourceLocation: sourceLocation)
        }
    }

    /// Requires a run to have exited with `status`, showing its output otherwise.
    static func status(_ run: RegkeeperRun, _ status: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == status, "\(run)", sourceLocation: sourceLocation)
    }

    /// A successful prune: exit 0, no errors.
    static func pruned(_ run: RegkeeperRun, _ report: PruneReport, sourceLocation: SourceLocation = #_sourceLocation) {
        status(run, 0, sourceLocation: sourceLocation)
        #expect(report.errors.isEmpty, "\(report.errors)", sourceLocation: sourceLocation)
        #expect(report.collection?.errors.isEmpty ?? true, "\(report.collection?.errors ?? [])", sourceLocation: sourceLocation)
    }

    /// Exactly `removed` (`repository:tag`) are gone from disk (their whole `_manifests/tags/<tag>`
    /// directory) and every other scenario tag is still there with its `current/link` unchanged.
    static func onlyTagsRemoved(_ removed: Set<String>, in copy: ScenarioCopy, sourceLocation: SourceLocation = #_sourceLocation) {
        var present = Set<String>()
        for repository in RetentionScenario.Repo.all {
            for tag in copy.tagsOnDisk(repository) { present.insert("\(repository):\(tag)") }
        }
        let all = Set(copy.scenario.tags.map(\.key))
        same(present, all.subtracting(removed), "tags left on disk", sourceLocation: sourceLocation)
        for tag in copy.scenario.tags where !removed.contains(tag.key) {
            let link = try? String(contentsOf: StoreLayout.tagCurrentLink(copy.root, tag.repository, tag.tag), encoding: .utf8)
            #expect(link == tag.digest, "current/link of kept tag \(tag)", sourceLocation: sourceLocation)
        }
    }

    /// The report's deleted blobs are the ones that vanished from disk, with the sizes they had;
    /// the deleted uploads are the `_uploads/<id>` directories that vanished, with their data
    /// sizes; and `reclaimedBytes` (the report's and the collection's) is the sum of both.
    static func reclaimedMatchesDisk(
        _ report: PruneReport, before: StoreSnapshot, after: StoreSnapshot, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let collection = report.collection else {
            Issue.record("no collection in the report", sourceLocation: sourceLocation)
            return
        }
        let sizes = before.blobSizes
        let vanished = before.blobDigests.subtracting(after.blobDigests)
        same(collection.deletedBlobDigests, vanished, "deletedBlobs vs blobs removed from disk", sourceLocation: sourceLocation)
        #expect(collection.deletedBlobs.count == collection.deletedBlobDigests.count, "a blob is listed twice", sourceLocation: sourceLocation)
        for blob in collection.deletedBlobs {
            #expect(blob.size == sizes[blob.digest], "size of \(blob.digest)", sourceLocation: sourceLocation)
        }
        let uploadsBefore = before.uploadSizes()
        let uploadsGone = Set(uploadsBefore.keys).subtracting(after.uploadSizes().keys)
        same(Set(collection.deletedUploads.map(\.id)), uploadsGone, "deletedUploads vs upload sessions removed from disk",
             sourceLocation: sourceLocation)
        let diskBytes = vanished.reduce(Int64(0)) { $0 + (sizes[$1] ?? 0) } + uploadsGone.reduce(Int64(0)) { $0 + (uploadsBefore[$1] ?? 0) }
        #expect(report.reclaimedBytes == diskBytes, "reclaimedBytes vs bytes of blobs and uploads removed from disk", sourceLocation: sourceLocation)
        #expect(collection.reclaimedBytes == report.reclaimedBytes, sourceLocation: sourceLocation)
    }

    /// After a collection, every blob on disk is needed by a surviving revision (or is a
    /// foreign-free reference of one) and every blob a surviving revision needs is on disk.
    static func storeConsistent(_ root: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let snapshot = try StoreSnapshot.capture(root)
        let blobs = snapshot.blobDigests
        var needed = Set<String>()
        for revision in snapshot.revisionLinks {
            needed.insert(revision.digest)
            let json = try Data(contentsOf: StoreLayout.blobData(root, revision.digest))
            needed.formUnion(ManifestJSON.references(in: json))
        }
        same(blobs.subtracting(needed), [], "blobs on disk no surviving revision needs", sourceLocation: sourceLocation)
        same(needed.subtracting(blobs), [], "blobs surviving revisions need that are missing", sourceLocation: sourceLocation)
    }
}

/// Reads the digests a manifest JSON refers to, independently of the code under test.
enum ManifestJSON {
    /// config, layers (without foreign `urls`), index children and subject.
    static func references(in json: Data) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else { return [] }
        var result: [String] = []
        func add(_ value: Any?) {
            if let descriptor = value as? [String: Any], descriptor["urls"] == nil, let digest = descriptor["digest"] as? String {
                result.append(digest)
            }
        }
        add(object["config"])
        for key in ["layers", "manifests"] {
            for item in object[key] as? [Any] ?? [] { add(item) }
        }
        return result
    }
}
