import Foundation

/// A manifest as pushed: exact bytes and digest, plus everything it needs in the repository
/// first (its own blobs, and for an index its children).
public struct BuiltManifest: Hashable, Sendable {
    /// The exact JSON bytes; the digest is over these.
    public let bytes: Data
    /// `sha256:<hex>` of `bytes`.
    public let digest: String
    /// The media type to push it with (`Content-Type`), even when the body has no `mediaType`.
    public let mediaType: String
    /// Config and local layers to push before the manifest (image manifests only).
    public let blobs: [Blob]
    /// Children to push by digest before the index (indexes only).
    public let children: [BuiltManifest]
    /// Digests of foreign layers the manifest names but whose blobs are not pushed.
    public let foreignLayers: [String]
    /// The manifest this one refers to, if any.
    public let subject: String?

    /// Wraps encoded bytes.
    public init(
        bytes: Data, mediaType: String, blobs: [Blob] = [], children: [BuiltManifest] = [],
        foreignLayers: [String] = [], subject: String? = nil
    ) {
        self.bytes = bytes
        self.digest = ContentDigest.of(bytes)
        self.mediaType = mediaType
        self.blobs = blobs
        self.children = children
        self.foreignLayers = foreignLayers
        self.subject = subject
    }

    /// The descriptor another manifest uses to point at this one.
    public func descriptor(platform: Platform? = nil) -> Descriptor {
        Descriptor(mediaType: mediaType, digest: digest, size: bytes.count, platform: platform)
    }

    /// Every digest the manifest references directly: config, layers (foreign ones too),
    /// children and subject.
    public var references: [String] {
        blobs.map(\.digest) + foreignLayers + children.map(\.digest) + (subject.map { [$0] } ?? [])
    }

    /// This manifest, its children and their children, depth first, children before parents.
    public var allManifests: [BuiltManifest] {
        children.flatMap(\.allManifests) + [self]
    }
}
