/// A snapshot of a store's metadata: repositories, blobs, and every problem met while reading.
public struct StoreInventory: Sendable {
    public var repositories: [RepositoryRecord]
    public var blobs: [Digest: BlobRecord]
    public var problems: [StoreProblem]
    /// When the scan began (ns since the epoch).
    public let startedAt: Int64

    public init(repositories: [RepositoryRecord], blobs: [Digest: BlobRecord], problems: [StoreProblem], startedAt: Int64) {
        self.repositories = repositories
        self.blobs = blobs
        self.problems = problems
        self.startedAt = startedAt
    }

    /// Problems that block a sweep.
    public var errors: [StoreProblem] { problems.filter { $0.severity == .error } }
    /// Problems that are only reported.
    public var warnings: [StoreProblem] { problems.filter { $0.severity == .warning } }
}
