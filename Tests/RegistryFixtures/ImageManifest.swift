/// The JSON body of a Docker schema2 or OCI image manifest (also used for OCI artifacts and
/// referrers through `subject` and `artifactType`).
public struct ImageManifest: Encodable, Sendable {
    /// Always 2.
    public var schemaVersion = 2
    /// Docker schema2 or OCI manifest type; nil leaves the field out (allowed for OCI).
    public var mediaType: String?
    /// OCI artifact type.
    public var artifactType: String?
    /// The config blob.
    public var config: Descriptor
    /// The layers, in order.
    public var layers: [Descriptor]
    /// The manifest this one refers to (OCI referrers).
    public var subject: Descriptor?
    /// Free-form annotations.
    public var annotations: [String: String]?

    /// Creates a manifest body.
    public init(
        mediaType: String?, artifactType: String? = nil, config: Descriptor, layers: [Descriptor],
        subject: Descriptor? = nil, annotations: [String: String]? = nil
    ) {
        self.mediaType = mediaType
        self.artifactType = artifactType
        self.config = config
        self.layers = layers
        self.subject = subject
        self.annotations = annotations
    }
}
