/// The single JSON object `regkeeper gc --json` prints (the fields the tests rely on).
struct GCReport: Decodable {
    /// A deleted (or, in dry-run, deletable) blob.
    struct DeletedBlob: Decodable, Hashable {
        let digest: String
        let size: Int
    }

    /// A deleted (or deletable) manifest revision.
    struct DeletedManifest: Decodable, Hashable {
        let repository: String
        let digest: String
    }

    /// A warning or error about a path in the store.
    struct Issue: Decodable, CustomStringConvertible {
        let path: String?
        let message: String

        var description: String { "\(path ?? "<no path>"): \(message)" }

        /// True when the path or the message mentions `fragment`.
        func names(_ fragment: String) -> Bool {
            (path?.contains(fragment) ?? false) || message.contains(fragment)
        }
    }

    let deletedBlobs: [DeletedBlob]
    let deletedManifests: [DeletedManifest]
    let reclaimedBytes: Int
    let warnings: [Issue]
    let errors: [Issue]

    /// The digests of `deletedBlobs`.
    var deletedBlobDigests: Set<String> { Set(deletedBlobs.map(\.digest)) }

    /// `deletedManifests` as (repository, digest) pairs.
    var deletedManifestSet: Set<String> { Set(deletedManifests.map { "\($0.repository)@\($0.digest)" }) }
}
