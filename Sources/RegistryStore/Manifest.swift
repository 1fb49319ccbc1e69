/// A parsed manifest: what it references, whichever of the registry's formats it came in.
public struct Manifest: Sendable, Equatable {
    /// The format, told by `mediaType` when present and by shape otherwise.
    public enum Kind: String, Sendable, Equatable {
        case dockerSchema2, ociManifest, dockerManifestList, ociIndex, dockerSchema1
    }

    public let kind: Kind
    public let mediaType: String?
    public let artifactType: String?
    /// The image configuration blob (schema2 and OCI manifests).
    public let config: Descriptor?
    /// Layer blobs (schema1 `fsLayers` appear here too).
    public let layers: [Descriptor]
    /// Child manifests of a manifest list or index.
    public let children: [Descriptor]
    /// The manifest this one refers to (OCI referrers: signatures, SBOMs, attestations).
    public let subject: Descriptor?

    public init(kind: Kind, mediaType: String?, artifactType: String? = nil, config: Descriptor?,
                layers: [Descriptor], children: [Descriptor], subject: Descriptor?) {
        self.kind = kind
        self.mediaType = mediaType
        self.artifactType = artifactType
        self.config = config
        self.layers = layers
        self.children = children
        self.subject = subject
    }

    /// Whether it lists other manifests (manifest list or index).
    public var isIndex: Bool { kind == .dockerManifestList || kind == .ociIndex }

    /// The blobs this manifest needs besides child manifests: config and layers.
    public var blobReferences: [Descriptor] {
        var result = layers
        if let config { result.insert(config, at: 0) }
        return result
    }
}
