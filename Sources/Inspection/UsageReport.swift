import RegistryStore

/// `du`: where a store's bytes go, per repository, with what a deletion or a collection would free.
public struct UsageReport: Sendable, Encodable {
    /// One repository's share of the store.
    public struct Repository: Sendable, Encodable {
        public let name: String
        public let tags: Int
        public let manifests: Int
        /// Bytes of every blob its tags need (manifests, configs, layers, through index children and referrers).
        public let referencedBytes: Int64
        /// Bytes of every blob any of its manifests (tagged or not) needs.
        public let totalBytes: Int64
        /// Of `totalBytes`, what no other repository needs: freed if the repository were deleted.
        public let exclusiveBytes: Int64
        /// Of `totalBytes`, what other repositories need too.
        public let sharedBytes: Int64
        /// Blobs only untagged manifests need: what `gc --delete-untagged` frees.
        public let untaggedBytes: Int64
        /// Blobs linked into the repository that no manifest anywhere needs: what `gc` frees.
        public let unreferencedBytes: Int64
        /// Upload sessions older than the upload age.
        public let staleUploadBytes: Int64
    }

    /// A tag and the bytes a pull of it needs.
    public struct TagSize: Sendable, Encodable {
        public let repository: String
        public let tag: String
        public let bytes: Int64
    }

    /// The whole store.
    public struct Totals: Sendable, Encodable {
        public var blobs = 0
        public var blobBytes: Int64 = 0
        /// Needed by some tag.
        public var referencedBytes: Int64 = 0
        /// Needed only by untagged manifests (`gc --delete-untagged` frees them).
        public var untaggedBytes: Int64 = 0
        /// Needed by no manifest (`gc` frees them).
        public var unreferencedBytes: Int64 = 0
        public var staleUploadBytes: Int64 = 0
    }

    public var repositories: [Repository]
    public var totals: Totals
    public var biggestTags: [TagSize]

    /// Computes the report from a scan. `now` and `uploadAge` (ns) decide which uploads are stale.
    public static func compute(repositories records: [RepositoryRecord], blobs: [Digest: BlobRecord],
                               manifests: [Digest: ManifestLoad], now: Int64, uploadAge: Int64, biggest: Int = 10) -> UsageReport {
        let graph = ManifestGraph(manifests: manifests)
        let size = { (digest: Digest) in blobs[digest]?.size ?? 0 }
        let sum = { (set: Set<Digest>) in set.reduce(Int64(0)) { $0 + size($1) } }

        var tagged: [String: Set<Digest>] = [:]
        var everything: [String: Set<Digest>] = [:]
        var users: [Digest: Int] = [:]
        var taggedAnywhere = Set<Digest>()
        var tagSizes: [TagSize] = []
        for repository in records {
            let revisions = repository.revisions.filter(\.isLinked).map(\.digest)
            let referrers = graph.referrers(among: revisions)
            let fromTags = graph.blobs(of: graph.reachable(from: repository.tags.compactMap(\.current), referrers: referrers))
            let all = fromTags.union(graph.blobs(of: graph.reachable(from: revisions, referrers: referrers)))
            tagged[repository.name] = fromTags
            everything[repository.name] = all
            taggedAnywhere.formUnion(fromTags)
            for digest in all { users[digest, default: 0] += 1 }
            for tag in repository.tags {
                guard let current = tag.current else { continue }
                tagSizes.append(TagSize(repository: repository.name, tag: tag.name,
                                        bytes: sum(graph.blobs(of: graph.reachable(from: [current], referrers: referrers)))))
            }
        }
        let referencedAnywhere = Set(users.keys)

        var rows: [Repository] = []
        var totals = Totals()
        for repository in records {
            let all = everything[repository.name] ?? []
            let exclusive = sum(all.filter { users[$0] == 1 })
            let total = sum(all)
            let linkedUnreferenced = Set(repository.layerLinks.filter(\.isLinked).map(\.digest)).subtracting(referencedAnywhere)
            let stale = repository.uploads.filter { ($0.startedAt ?? $0.modified) <= now - uploadAge }.reduce(Int64(0)) { $0 + $1.size }
            rows.append(Repository(name: repository.name, tags: repository.tags.count,
                                   manifests: repository.revisions.count { $0.isLinked },
                                   referencedBytes: sum(tagged[repository.name] ?? []), totalBytes: total,
                                   exclusiveBytes: exclusive, sharedBytes: total - exclusive,
                                   untaggedBytes: sum(all.subtracting(taggedAnywhere)),
                                   unreferencedBytes: sum(linkedUnreferenced), staleUploadBytes: stale))
            totals.staleUploadBytes += stale
        }
        for blob in blobs.values where blob.hasData {
            totals.blobs += 1
            totals.blobBytes += blob.size ?? 0
            if taggedAnywhere.contains(blob.digest) {
                totals.referencedBytes += blob.size ?? 0
            } else if referencedAnywhere.contains(blob.digest) {
                totals.untaggedBytes += blob.size ?? 0
            } else {
                totals.unreferencedBytes += blob.size ?? 0
            }
        }
        tagSizes.sort { ($0.bytes, $1.repository, $1.tag) > ($1.bytes, $0.repository, $0.tag) }
        return UsageReport(repositories: rows, totals: totals, biggestTags: Array(tagSizes.prefix(biggest)))
    }
}
