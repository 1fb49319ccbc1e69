/// An OCI/Docker content descriptor: what a manifest says about a blob or child manifest.
public struct Descriptor: Codable, Hashable, Sendable {
    /// The media type the referrer gives the content.
    public var mediaType: String
    /// `sha256:<hex>` of the content.
    public var digest: String
    /// Length of the content in bytes.
    public var size: Int
    /// Where a foreign layer can be fetched (its blob need not be in the registry).
    public var urls: [String]?
    /// Platform of an index child.
    public var platform: Platform?
    /// Artifact type of an index child or referrer.
    public var artifactType: String?
    /// Free-form annotations.
    public var annotations: [String: String]?

    /// Creates a descriptor.
    public init(
        mediaType: String, digest: String, size: Int, urls: [String]? = nil, platform: Platform? = nil,
        artifactType: String? = nil, annotations: [String: String]? = nil
    ) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.urls = urls
        self.platform = platform
        self.artifactType = artifactType
        self.annotations = annotations
    }
}
