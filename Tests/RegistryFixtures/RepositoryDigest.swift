/// A digest within a repository: a revision, a layer link, a manifest to delete.
public struct RepositoryDigest: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The repository name, e.g. `team/app/api`.
    public let repository: String
    /// `sha256:<hex>`.
    public let digest: String

    /// Creates a pair.
    public init(repository: String, digest: String) {
        self.repository = repository
        self.digest = digest
    }

    public var description: String { "\(repository)@\(digest)" }

    /// By repository, then digest.
    public static func < (a: RepositoryDigest, b: RepositoryDigest) -> Bool {
        (a.repository, a.digest) < (b.repository, b.digest)
    }
}
