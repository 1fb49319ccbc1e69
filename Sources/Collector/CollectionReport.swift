import RegistryStore

/// The machine-readable account of a collection, printed by `gc --json`.
///
/// In a dry run the `deleted*` fields list what would be deleted; when the mark met errors they
/// are empty, because nothing was deleted.
public struct CollectionReport: Encodable, Sendable {
    public struct BlobEntry: Encodable, Sendable { public let digest: String; public let size: Int64 }
    public struct ManifestEntry: Encodable, Sendable { public let repository: String; public let digest: String }
    public struct TagIndexEntry: Encodable, Sendable { public let repository: String; public let tag: String; public let digest: String }
    public struct UploadEntry: Encodable, Sendable {
        public let repository: String
        public let id: String
        public let startedAt: String?
        public let size: Int64
    }
    public struct Problem: Encodable, Sendable { public let path: String; public let message: String }
    public struct Statistics: Encodable, Sendable {
        public let repositories: Int
        public let manifests: Int
        public let tags: Int
        public let blobs: Int
        public let blobBytes: Int64
        public let markedBlobs: Int
        public let youngBlobsKept: Int
    }

    public let command = "gc"
    public let root: String
    public let dryRun: Bool
    public let deleteUntagged: Bool
    /// Whether deletions were carried out (false in dry runs and when the mark met errors).
    public let swept: Bool
    /// Whether every sweep phase finished.
    public let completed: Bool
    public let deletedBlobs: [BlobEntry]
    public let deletedManifests: [ManifestEntry]
    public let deletedTagIndexEntries: [TagIndexEntry]
    public let deletedLayerLinks: [ManifestEntry]
    public let deletedUploads: [UploadEntry]
    public let removedRepositories: [String]
    public let removedEmptyDirectories: Int
    public let reclaimedBytes: Int64
    public let statistics: Statistics
    public let warnings: [Problem]
    public let errors: [Problem]
    /// Set after a real sweep when the registry caches blob descriptors and must be restarted.
    public let registryRestartRequired: Bool
    public let durationSeconds: Double

    public init(result: CollectionResult, options: CollectionOptions, root: String,
                blobDescriptorCache: String?, durationSeconds: Double) {
        let plan = result.plan
        let listed = options.dryRun || result.swept
        let phases = options.dryRun ? 4 : (result.outcome?.completedPhases ?? 0)
        func upTo<T>(_ phase: Int, _ items: [T]) -> [T] { listed && phases > phase ? items : [] }
        self.root = root
        dryRun = options.dryRun
        deleteUntagged = options.deleteUntagged
        swept = result.swept
        completed = options.dryRun ? false : (result.outcome?.completed ?? false)
        deletedManifests = upTo(0, plan.revisions).map { ManifestEntry(repository: $0.repository, digest: $0.digest.description) }
        deletedTagIndexEntries = upTo(0, plan.tagIndexEntries).map {
            TagIndexEntry(repository: $0.repository, tag: $0.tag, digest: $0.digest.description)
        }
        deletedLayerLinks = upTo(1, plan.layerLinks).map { ManifestEntry(repository: $0.repository, digest: $0.digest.description) }
        deletedUploads = upTo(1, plan.uploads).map {
            UploadEntry(repository: $0.repository, id: $0.id, startedAt: $0.startedAt.map(Timestamp.formatRFC3339), size: $0.size)
        }
        deletedBlobs = upTo(2, plan.blobs).map { BlobEntry(digest: $0.digest.description, size: $0.size) }
        removedRepositories = upTo(3, plan.repositories)
        let emptyDirectories = plan.emptyRevisionDirectories.count + plan.emptyTagIndexDirectories.count
            + plan.emptyLayerLinkDirectories.count + plan.emptyBlobDirectories.count
        removedEmptyDirectories = listed && phases > 3 ? emptyDirectories : 0
        reclaimedBytes = deletedBlobs.reduce(0) { $0 + $1.size } + deletedUploads.reduce(0) { $0 + $1.size }
        statistics = Statistics(repositories: plan.repositoryCount, manifests: plan.manifestCount, tags: plan.tagCount,
                                blobs: plan.blobCount, blobBytes: plan.blobBytes, markedBlobs: plan.markedBlobCount,
                                youngBlobsKept: plan.youngBlobCount)
        let failures = result.outcome?.failures ?? []
        warnings = (result.warnings + failures.filter { $0.severity == .warning }).map { Problem(path: $0.path, message: $0.message) }
        errors = (result.errors + failures.filter { $0.severity == .error }).map { Problem(path: $0.path, message: $0.message) }
        registryRestartRequired = result.swept && !deletedBlobs.isEmpty && blobDescriptorCache != nil
        self.durationSeconds = durationSeconds
    }

    /// The report of a run that could not start (store missing, unreadable or locked): nothing
    /// was deleted, and `errors` says why.
    public init(failureAt path: String, message: String, options: CollectionOptions, root: String, durationSeconds: Double) {
        let empty = CollectionResult(plan: CollectionPlan(), problems: [.error(path, message)], swept: false, outcome: nil)
        var notDry = options
        notDry.dryRun = false
        self.init(result: empty, options: notDry, root: root,
                  blobDescriptorCache: nil, durationSeconds: durationSeconds)
    }
}
