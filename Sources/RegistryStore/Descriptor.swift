/// A reference from a manifest to a blob or another manifest.
public struct Descriptor: Sendable, Equatable, Hashable {
    public let mediaType: String?
    public let digest: Digest
    public let size: Int64?
    /// Foreign (non-distributable) locations; such a blob may legitimately be absent from the store.
    public let urls: [String]

    public init(mediaType: String?, digest: Digest, size: Int64?, urls: [String] = []) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.urls = urls
    }

    /// Whether the blob may live outside the registry (it has `urls`).
    public var isForeign: Bool { !urls.isEmpty }
}
