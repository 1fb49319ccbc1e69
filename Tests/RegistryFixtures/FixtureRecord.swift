/// What `FixtureStore` built, so tests can assert on exact repositories, tags and digests, and
/// the blobs each collection mode must delete (worked out from the manifest graph the fixture
/// pushed, independently of any collector).
public struct FixtureRecord: Sendable, Codable {
    /// Why a manifest is in the store and what should become of it.
    public enum Role: String, Sendable, Codable {
        /// Some tag's `current` points at it.
        case tagged
        /// Untagged child of a tagged manifest list / OCI index.
        case indexChild
        /// Untagged OCI referrer (has a `subject`).
        case referrer
        /// Untagged because its tag was moved to a newer manifest.
        case retaggedAway
        /// Pushed by digest and never tagged in this repository (it may be tagged in another).
        case untagged
        /// Deleted through the API (revision link gone, blob still there).
        case deleted
    }

    /// A manifest the fixture pushed.
    public struct Manifest: Hashable, Sendable, Codable {
        /// The repository it was pushed to.
        public let repository: String
        /// `sha256:` of its bytes.
        public let digest: String
        /// The media type it was pushed with.
        public let mediaType: String
        /// Config, layers (foreign too), children and subject digests.
        public let references: [String]
        /// The manifest it refers to (referrers).
        public let subject: String?
        /// Why it is there.
        public let role: Role
    }

    /// A tag as it stands at the end of the build.
    public struct Tag: Hashable, Sendable, Codable {
        /// The repository.
        public let repository: String
        /// The tag name.
        public let tag: String
        /// What its `current` link points at.
        public let digest: String
        /// The media type of that manifest.
        public let mediaType: String
    }

    /// A tagged manifest list or index and its untagged children.
    public struct Index: Hashable, Sendable, Codable {
        /// The repository.
        public let repository: String
        /// Its tag.
        public let tag: String
        /// The index's own digest.
        public let digest: String
        /// The children's digests (pushed by digest, untagged).
        public let children: [String]
    }

    /// A tag moved from one manifest to another.
    public struct Retag: Hashable, Sendable, Codable {
        /// The repository.
        public let repository: String
        /// The tag that moved.
        public let tag: String
        /// What it pointed at first (now an untagged revision).
        public let oldDigest: String
        /// What it points at now.
        public let newDigest: String
        /// Blobs only the old revision used (its manifest blob, config and own layers).
        public let oldOnlyBlobs: Set<String>
    }

    /// An image with a foreign layer whose blob was never pushed.
    public struct Foreign: Hashable, Sendable, Codable {
        /// The repository.
        public let repository: String
        /// Its tag.
        public let tag: String
        /// The image manifest's digest.
        public let manifestDigest: String
        /// The foreign layer's digest (no blob in the store).
        public let layerDigest: String
    }

    /// An upload started and abandoned.
    public struct Upload: Hashable, Sendable, Codable {
        /// The repository the upload was started in.
        public let repository: String
        /// Its directory name under `_uploads/`.
        public let uuid: String
        /// Bytes sent with PATCH before abandoning (0: POST only).
        public let bytesSent: Int
    }

    /// Every repository, nested ones included.
    public var repositories: [String] = []
    /// Every tag at the end of the build.
    public var tags: [Tag] = []
    /// Every manifest pushed, with its role.
    public var manifests: [Manifest] = []
    /// A layer pushed separately into two repositories.
    public var sharedLayer = ""
    /// The repositories `sharedLayer` was pushed into.
    public var sharedLayerRepositories: [String] = []
    /// A layer cross-repo mounted from `mountSource` into `mountTarget`.
    public var mountedLayer = ""
    /// Where `mountedLayer` was pushed.
    public var mountSource = ""
    /// Where `mountedLayer` was mounted.
    public var mountTarget = ""
    /// The retagged tag.
    public var retag = Retag(repository: "", tag: "", oldDigest: "", newDigest: "", oldOnlyBlobs: [])
    /// Manifests deleted through the API.
    public var deletedManifests: [RepositoryDigest] = []
    /// The Docker manifest list.
    public var manifestList = Index(repository: "", tag: "", digest: "", children: [])
    /// The OCI index.
    public var ociIndex = Index(repository: "", tag: "", digest: "", children: [])
    /// A referrer whose subject is a tagged image.
    public var referrer = RepositoryDigest(repository: "", digest: "")
    /// A referrer whose subject is `referrer` (its body has no `mediaType` field).
    public var referrerOfReferrer = RepositoryDigest(repository: "", digest: "")
    /// The manifest deleted from `library/alpine` but tagged in `mirror/alpine`.
    public var deletedHereTaggedThere = RepositoryDigest(repository: "", digest: "")
    /// `library/alpine`'s tagged image, pushed untagged (by digest) into `mirror/alpine`.
    public var taggedHereUntaggedThere = RepositoryDigest(repository: "", digest: "")
    /// The foreign-layer image.
    public var foreignLayer = Foreign(repository: "", tag: "", manifestDigest: "", layerDigest: "")
    /// Abandoned uploads.
    public var abandonedUploads: [Upload] = []
    /// Blobs pushed but referenced by no manifest.
    public var unreferencedBlobs: [RepositoryDigest] = []
    /// Every blob in the store at the end of the build.
    public var blobsPresent: Set<String> = []
    /// What a default-mode collection (every revision is live) must delete.
    public var expectedDeletedBlobsDefault: Set<String> = []
    /// What `--delete-untagged` must delete: roots are tags; index children and referrers of
    /// live manifests stay live.
    public var expectedDeletedBlobsUntagged: Set<String> = []
    /// The revisions `--delete-untagged` must delete.
    public var expectedDeletedManifestsUntagged: Set<RepositoryDigest> = []

    /// The manifest record for a digest in a repository.
    public func manifest(_ digest: String, in repository: String) -> Manifest? {
        manifests.first { $0.digest == digest && $0.repository == repository }
    }

    /// Revisions that are live when every existing revision is a root (default mode).
    public var liveManifestsDefault: [Manifest] { manifests.filter { $0.role != .deleted } }

    /// Revisions that stay live when only tags are roots: tagged manifests, then (to a fixed
    /// point) children of live indexes and referrers whose subject is live.
    public var liveManifestsUntagged: [Manifest] {
        var live = Set(manifests.filter { $0.role == .tagged }.map { RepositoryDigest(repository: $0.repository, digest: $0.digest) })
        var changed = true
        while changed {
            changed = false
            for manifest in manifests where manifest.role != .deleted {
                let key = RepositoryDigest(repository: manifest.repository, digest: manifest.digest)
                if live.contains(key) {
                    for child in manifest.references where manifests.contains(where: {
                        $0.repository == manifest.repository && $0.digest == child && $0.role != .deleted
                    }) {
                        // A manifest referenced from a live one (index child) is live.
                        if manifest.subject != child, live.insert(RepositoryDigest(repository: manifest.repository, digest: child)).inserted {
                            changed = true
                        }
                    }
                } else if let subject = manifest.subject, live.contains(RepositoryDigest(repository: manifest.repository, digest: subject)) {
                    live.insert(key)
                    changed = true
                }
            }
        }
        return manifests.filter { live.contains(RepositoryDigest(repository: $0.repository, digest: $0.digest)) }
    }

    /// Digests marked by `live`: each manifest and everything it references.
    public static func marked(by live: [Manifest]) -> Set<String> {
        var marked = Set<String>()
        for manifest in live {
            marked.insert(manifest.digest)
            marked.formUnion(manifest.references)
        }
        return marked
    }
}
