import Foundation

/// Paths inside a filesystem-driver store root (`<root>/docker/registry/v2/...`).
public enum StoreLayout {
    /// `<root>/docker/registry/v2`.
    public static func v2(_ root: URL) -> URL { root.appendingPathComponent("docker/registry/v2") }

    /// `blobs/sha256/<xx>/<hex>/data` of `digest`.
    public static func blobData(_ root: URL, _ digest: String) -> URL {
        let hex = ContentDigest.hexPart(digest)
        return v2(root).appendingPathComponent("blobs/sha256/\(hex.prefix(2))/\(hex)/data")
    }

    /// `repositories/<repository>`.
    public static func repository(_ root: URL, _ repository: String) -> URL {
        v2(root).appendingPathComponent("repositories/\(repository)")
    }

    /// `_manifests/revisions/sha256/<hex>` of a revision.
    public static func revisionDirectory(_ root: URL, _ repository: String, _ digest: String) -> URL {
        Self.repository(root, repository).appendingPathComponent("_manifests/revisions/sha256/\(ContentDigest.hexPart(digest))")
    }

    /// `_manifests/revisions/sha256/<hex>/link` of a revision.
    public static func revisionLink(_ root: URL, _ repository: String, _ digest: String) -> URL {
        revisionDirectory(root, repository, digest).appendingPathComponent("link")
    }

    /// `_manifests/tags/<tag>/current/link`.
    public static func tagCurrentLink(_ root: URL, _ repository: String, _ tag: String) -> URL {
        Self.repository(root, repository).appendingPathComponent("_manifests/tags/\(tag)/current/link")
    }

    /// `_layers/sha256/<hex>/link`.
    public static func layerLink(_ root: URL, _ repository: String, _ digest: String) -> URL {
        Self.repository(root, repository).appendingPathComponent("_layers/sha256/\(ContentDigest.hexPart(digest))/link")
    }

    /// `_uploads/<uuid>`.
    public static func upload(_ root: URL, _ repository: String, _ uuid: String) -> URL {
        Self.repository(root, repository).appendingPathComponent("_uploads/\(uuid)")
    }

    /// The path of `url` relative to `root` (no leading slash), or the full path if outside it.
    public static func relative(_ url: URL, to root: URL) -> String {
        let base = root.standardizedFileURL.path
        let path = url.standardizedFileURL.path
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
    }
}
