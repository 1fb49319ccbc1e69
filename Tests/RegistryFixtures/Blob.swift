import Foundation

/// A blob ready to push: its bytes, digest and the media type manifests give it.
public struct Blob: Hashable, Sendable {
    /// The content.
    public let data: Data
    /// `sha256:<hex>` of `data`.
    public let digest: String
    /// The media type manifests reference it with.
    public let mediaType: String

    /// Wraps `data`, computing its digest.
    public init(data: Data, mediaType: String) {
        self.data = data
        self.digest = ContentDigest.of(data)
        self.mediaType = mediaType
    }

    /// Length in bytes.
    public var size: Int { data.count }

    /// The descriptor a manifest uses for this blob.
    public var descriptor: Descriptor { Descriptor(mediaType: mediaType, digest: digest, size: size) }
}
