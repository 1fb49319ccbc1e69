/// The JSON body of a Docker manifest list or an OCI image index.
public struct ImageIndex: Encodable, Sendable {
    /// Always 2.
    public var schemaVersion = 2
    /// Docker manifest list or OCI index type.
    public var mediaType: String
    /// The children.
    public var manifests: [Descriptor]
    /// The manifest this index refers to (OCI only).
    public var subject: Descriptor?

    /// Creates an index body.
    public init(mediaType: String, manifests: [Descriptor], subject: Descriptor? = nil) {
        self.mediaType = mediaType
        self.manifests = manifests
        self.subject = subject
    }
}
