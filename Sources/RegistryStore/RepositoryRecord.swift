/// Everything one repository directory holds, as read from the store.
public struct RepositoryRecord: Sendable {
    /// The repository name, e.g. `team/app/api`.
    public let name: String
    public var hasManifestsDirectory = false
    public var hasLayersDirectory = false
    public var hasUploadsDirectory = false
    /// Names of repositories nested inside this one (`team/app/api` inside `team/app`).
    public var nestedRepositories: [String] = []
    public var revisions: [RevisionRecord] = []
    public var tags: [TagRecord] = []
    public var layerLinks: [LinkRecord] = []
    public var uploads: [UploadRecord] = []

    public init(name: String) { self.name = name }

    /// Revisions with a valid link file (the manifests the repository really has).
    public var linkedRevisions: [RevisionRecord] { revisions.filter { $0.isLinked } }
}

/// A directory named by a digest that holds (or held) a `link` file: a revision, a layer link,
/// or a tag-index entry.
public struct LinkRecord: Sendable, Equatable {
    /// The digest the directory is named by.
    public let digest: Digest
    /// Whether the directory holds a valid `link` file with that digest.
    public let isLinked: Bool
    /// The link file's mtime, or the directory's when the link is absent (ns since the epoch).
    public let modified: Int64
    /// Whether the directory holds anything besides `link` (e.g. a `link.<uuid>.tmp` of registry 3.1+).
    public let hasOtherEntries: Bool

    public init(digest: Digest, isLinked: Bool, modified: Int64, hasOtherEntries: Bool) {
        self.digest = digest
        self.isLinked = isLinked
        self.modified = modified
        self.hasOtherEntries = hasOtherEntries
    }
}

/// A manifest revision of a repository.
public typealias RevisionRecord = LinkRecord

/// A tag: what it points at now and every digest it ever pointed at.
public struct TagRecord: Sendable, Equatable {
    public let name: String
    /// The digest in `current/link`, or `nil` when the tag has no current link.
    public let current: Digest?
    /// The mtime of `current/link`: when the tag was last pushed.
    public let currentModified: Int64?
    /// The tag's history entries.
    public let index: [LinkRecord]

    public init(name: String, current: Digest?, currentModified: Int64?, index: [LinkRecord]) {
        self.name = name
        self.current = current
        self.currentModified = currentModified
        self.index = index
    }
}

/// An upload session under `_uploads/<id>`.
public struct UploadRecord: Sendable, Equatable {
    public let id: String
    /// The `startedat` time (ns since the epoch), or `nil` if missing or unreadable.
    public let startedAt: Int64?
    /// The newest mtime seen among the session's files (ns since the epoch).
    public let modified: Int64
    /// Bytes of the session's `data` file.
    public let size: Int64

    public init(id: String, startedAt: Int64?, modified: Int64, size: Int64) {
        self.id = id
        self.startedAt = startedAt
        self.modified = modified
        self.size = size
    }
}

/// A blob in `blobs/sha256/<xx>/<hex>/data`.
public struct BlobRecord: Sendable, Equatable {
    public let digest: Digest
    /// Size of `data`, or `nil` when the blob directory holds no data file.
    public let size: Int64?
    /// mtime of `data` (upload time), or of the directory when `data` is absent.
    public let modified: Int64

    public init(digest: Digest, size: Int64?, modified: Int64) {
        self.digest = digest
        self.size = size
        self.modified = modified
    }

    /// Whether the blob has content (a `data` file).
    public var hasData: Bool { size != nil }
}
