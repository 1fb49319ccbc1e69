/// The registry's key layout below `docker/registry/v2`, identical for the filesystem and s3 drivers.
///
/// Every function returns a path relative to the `v2` directory; nothing here touches storage.
public enum StoreLayout {
    /// The path of the `v2` directory below a store root.
    public static let registryRoot = "docker/registry/v2"
    public static let blobsDirectory = "blobs"
    public static let repositoriesDirectory = "repositories"
    public static let digestAlgorithm = "sha256"
    public static let manifestsMarker = "_manifests"
    public static let layersMarker = "_layers"
    public static let uploadsMarker = "_uploads"
    public static let linkFile = "link"
    public static let dataFile = "data"
    public static let startedAtFile = "startedat"

    /// `blobs/sha256`: the parent of the 256 fan-out directories.
    public static var blobAlgorithmDirectory: String { "\(blobsDirectory)/\(digestAlgorithm)" }

    /// `blobs/sha256/<xx>/<hex>`: a blob's directory.
    public static func blobDirectory(_ digest: Digest) -> String {
        "\(blobAlgorithmDirectory)/\(digest.prefix)/\(digest.hex)"
    }

    /// `blobs/sha256/<xx>/<hex>/data`: a blob's content.
    public static func blobData(_ digest: Digest) -> String { blobDirectory(digest) + "/" + dataFile }

    /// `repositories/<name>`.
    public static func repository(_ name: String) -> String { "\(repositoriesDirectory)/\(name)" }

    /// `repositories/<name>/_manifests/revisions/sha256`.
    public static func revisionsDirectory(_ repository: String) -> String {
        "\(self.repository(repository))/\(manifestsMarker)/revisions/\(digestAlgorithm)"
    }

    /// `repositories/<name>/_manifests/revisions/sha256/<hex>`.
    public static func revisionDirectory(_ repository: String, _ digest: Digest) -> String {
        "\(revisionsDirectory(repository))/\(digest.hex)"
    }

    /// `repositories/<name>/_manifests/tags`.
    public static func tagsDirectory(_ repository: String) -> String {
        "\(self.repository(repository))/\(manifestsMarker)/tags"
    }

    /// `repositories/<name>/_manifests/tags/<tag>/current/link`.
    public static func tagCurrentLink(_ repository: String, _ tag: String) -> String {
        "\(tagsDirectory(repository))/\(tag)/current/\(linkFile)"
    }

    /// `repositories/<name>/_manifests/tags/<tag>/index/sha256/<hex>`: one entry of a tag's history.
    public static func tagIndexEntry(_ repository: String, _ tag: String, _ digest: Digest) -> String {
        "\(tagsDirectory(repository))/\(tag)/index/\(digestAlgorithm)/\(digest.hex)"
    }

    /// `repositories/<name>/_layers/sha256`.
    public static func layersDirectory(_ repository: String) -> String {
        "\(self.repository(repository))/\(layersMarker)/\(digestAlgorithm)"
    }

    /// `repositories/<name>/_layers/sha256/<hex>`.
    public static func layerLinkDirectory(_ repository: String, _ digest: Digest) -> String {
        "\(layersDirectory(repository))/\(digest.hex)"
    }

    /// `repositories/<name>/_uploads/<id>`.
    public static func uploadDirectory(_ repository: String, _ id: String) -> String {
        "\(self.repository(repository))/\(uploadsMarker)/\(id)"
    }

    /// Whether a directory name is one of the three markers that make its parent a repository.
    public static func isRepositoryMarker(_ name: String) -> Bool {
        name == manifestsMarker || name == layersMarker || name == uploadsMarker
    }
}
