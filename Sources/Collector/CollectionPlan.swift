import RegistryStore

/// Everything a collection will delete, computed from one scan; executing it is the sweeper's job.
public struct CollectionPlan: Sendable {
    /// A manifest revision of a repository.
    public struct RepositoryDigest: Sendable, Hashable, Comparable {
        public let repository: String
        public let digest: Digest
        public static func < (a: Self, b: Self) -> Bool { (a.repository, a.digest) < (b.repository, b.digest) }
    }

    /// One entry of a tag's history.
    public struct TagIndexEntry: Sendable, Hashable, Comparable {
        public let repository: String
        public let tag: String
        public let digest: Digest
        public static func < (a: Self, b: Self) -> Bool { (a.repository, a.tag, a.digest) < (b.repository, b.tag, b.digest) }
    }

    /// An upload session directory.
    public struct Upload: Sendable, Hashable, Comparable {
        public let repository: String
        public let id: String
        public let startedAt: Int64?
        public let size: Int64
        public static func < (a: Self, b: Self) -> Bool { (a.repository, a.id) < (b.repository, b.id) }
    }

    /// A blob and its size.
    public struct Blob: Sendable, Hashable, Comparable {
        public let digest: Digest
        public let size: Int64
        public static func < (a: Self, b: Self) -> Bool { a.digest < b.digest }
    }

    /// Revision link files to remove (untagged manifests, with `deleteUntagged`).
    public var revisions: [RepositoryDigest] = []
    /// Tag-history link files that point at revisions which are gone or being removed.
    public var tagIndexEntries: [TagIndexEntry] = []
    /// `_layers` link files whose blob is gone or being removed.
    public var layerLinks: [RepositoryDigest] = []
    /// Upload sessions older than the upload age.
    public var uploads: [Upload] = []
    /// Blobs no kept manifest references.
    public var blobs: [Blob] = []
    /// Revision directories left empty (after a manifest DELETE or by this plan).
    public var emptyRevisionDirectories: [RepositoryDigest] = []
    /// Tag-history directories left empty.
    public var emptyTagIndexDirectories: [TagIndexEntry] = []
    /// Layer-link directories left empty.
    public var emptyLayerLinkDirectories: [RepositoryDigest] = []
    /// Blob directories without data.
    public var emptyBlobDirectories: [Digest] = []
    /// Repositories to remove entirely (`--remove-empty-repos`).
    public var repositories: [String] = []

    /// Statistics of what was marked.
    public var repositoryCount = 0
    public var manifestCount = 0
    public var tagCount = 0
    public var blobCount = 0
    public var blobBytes: Int64 = 0
    public var markedBlobCount = 0
    /// Blobs unmarked but kept because they are younger than the grace period.
    public var youngBlobCount = 0

    /// Bytes the deleted blobs and uploads free.
    public var reclaimedBytes: Int64 {
        blobs.reduce(0) { $0 + $1.size } + uploads.reduce(0) { $0 + $1.size }
    }

    public init() {}
}

extension CollectionPlan {
    /// The deletions both plans agree on (statistics are taken from `self`).
    public func intersection(_ other: CollectionPlan) -> CollectionPlan {
        func common<T: Hashable>(_ a: [T], _ b: [T]) -> [T] {
            let keep = Set(b)
            return a.filter { keep.contains($0) }
        }
        var result = self
        result.revisions = common(revisions, other.revisions)
        result.tagIndexEntries = common(tagIndexEntries, other.tagIndexEntries)
        result.layerLinks = common(layerLinks, other.layerLinks)
        result.uploads = common(uploads, other.uploads)
        result.blobs = common(blobs, other.blobs)
        result.emptyRevisionDirectories = common(emptyRevisionDirectories, other.emptyRevisionDirectories)
        result.emptyTagIndexDirectories = common(emptyTagIndexDirectories, other.emptyTagIndexDirectories)
        result.emptyLayerLinkDirectories = common(emptyLayerLinkDirectories, other.emptyLayerLinkDirectories)
        result.emptyBlobDirectories = common(emptyBlobDirectories, other.emptyBlobDirectories)
        result.repositories = common(repositories, other.repositories)
        return result
    }
}
