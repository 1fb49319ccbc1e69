/// Which family of manifests an image is built in.
public enum ManifestFormat: Sendable {
    /// Docker schema2 manifests and manifest lists.
    case docker
    /// OCI manifests and indexes.
    case oci

    /// The image manifest media type.
    public var manifestType: String { self == .docker ? MediaType.dockerManifest : MediaType.ociManifest }
    /// The index / manifest list media type.
    public var indexType: String { self == .docker ? MediaType.dockerManifestList : MediaType.ociIndex }
    /// The config media type.
    public var configType: String { self == .docker ? MediaType.dockerConfig : MediaType.ociConfig }
    /// The layer media type.
    public var layerType: String { self == .docker ? MediaType.dockerLayer : MediaType.ociLayer }
}
