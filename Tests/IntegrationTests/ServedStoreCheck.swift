import Foundation
import RegistryFixtures

/// Serves a store with the real registry and checks, as a client would, that what must stay
/// fetchable is: every tag pulls completely with `skopeo copy --all`, referrers and their blobs
/// answer by digest, and the retagged-away revision is gone (or present, before collection).
enum ServedStoreCheck {
    /// Every check's failure, empty when the store serves everything.
    static func run(_ copy: FixtureCopy, expectingRetaggedAwayGone: Bool) async throws -> [String] {
        let server = try await RegistryServer.start(storeRoot: copy.root)
        defer { server.stop() }
        let scratch = try TemporaryDirectory(prefix: "pull")
        defer { scratch.remove() }
        let record = copy.record
        var failures: [String] = []

        for tag in record.tags {
            let pulled = try await Skopeo.pullAll(repository: tag.repository, reference: tag.tag, from: server.hostAndPort, into: scratch.url)
            if !pulled.succeeded {
                failures.append("skopeo copy --all \(tag.repository):\(tag.tag) failed: \(pulled.stderrText.suffix(600))")
            }
            let listed = try await server.client.tags(of: tag.repository)
            if !listed.contains(tag.tag) { failures.append("tag \(tag.repository):\(tag.tag) missing from tags/list \(listed)") }
        }
        for referrer in [record.referrer, record.referrerOfReferrer] {
            failures += try await fetchable(referrer, record: record, client: server.client)
        }
        let old = try await server.client.getManifest(record.retag.oldDigest, in: record.retag.repository)
        let wanted = expectingRetaggedAwayGone ? 404 : 200
        if old.status != wanted {
            failures.append("retagged-away revision \(record.retag.repository)@\(record.retag.oldDigest) answers \(old.status), expected \(wanted)")
        }
        return failures
    }

    /// Failures fetching a manifest by digest and every blob it references (foreign ones excepted).
    static func fetchable(_ manifest: RepositoryDigest, record: FixtureRecord, client: RegistryClient) async throws -> [String] {
        let response = try await client.getManifest(manifest.digest, in: manifest.repository)
        guard response.status == 200 else { return ["manifest \(manifest) answers \(response.status)"] }
        var failures: [String] = []
        for digest in record.manifest(manifest.digest, in: manifest.repository)?.references ?? [] {
            if digest == record.foreignLayer.layerDigest { continue }
            if record.manifests.contains(where: { $0.digest == digest }) {
                let child = try await client.headManifest(digest, in: manifest.repository)
                if child.status != 200 { failures.append("\(manifest) references manifest \(digest), which answers \(child.status)") }
            } else {
                let blob = try await client.getBlob(digest, in: manifest.repository)
                if blob.status != 200 { failures.append("\(manifest) references blob \(digest), which answers \(blob.status)") }
            }
        }
        return failures
    }

    /// Whether `skopeo copy --all` of one tag succeeds on a served store (for evidence tests).
    static func pulls(_ tag: FixtureRecord.Tag, from copy: FixtureCopy) async throws -> ProcessOutput {
        let server = try await RegistryServer.start(storeRoot: copy.root)
        defer { server.stop() }
        let scratch = try TemporaryDirectory(prefix: "pull")
        defer { scratch.remove() }
        return try await Skopeo.pullAll(repository: tag.repository, reference: tag.tag, from: server.hostAndPort, into: scratch.url)
    }
}
