import Foundation

/// Makes random layers and configs and assembles them into Docker schema2 / OCI manifests,
/// manifest lists, indexes, referrers and foreign-layer images, as exact bytes with digests.
public struct ImageBuilder {
    private var random: SplitMix64
    private let encoder: JSONEncoder

    /// A builder whose random content is determined by `seed`.
    public init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// `count` random bytes.
    public mutating func randomBytes(_ count: Int) -> Data {
        var bytes = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            var word = random.next()
            for _ in 0..<8 where i < count {
                bytes[i] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                i += 1
            }
        }
        return Data(bytes)
    }

    /// A layer of `size` random bytes with the format's layer media type.
    public mutating func layer(_ format: ManifestFormat, size: Int = 2048) -> Blob {
        Blob(data: randomBytes(size), mediaType: format.layerType)
    }

    /// A unique config naming `layers` as its diff IDs.
    public mutating func config(_ format: ManifestFormat, layers: [Blob], architecture: String = "amd64") -> Blob {
        let body = ImageConfig(
            architecture: architecture, os: "linux",
            config: .init(Labels: ["fixture.nonce": ContentDigest.hexString([UInt8](randomBytes(8)))]),
            rootfs: .init(diff_ids: layers.map(\.digest)))
        return Blob(data: encode(body), mediaType: format.configType)
    }

    /// An image manifest over `config` and `layers`, optionally with foreign layers appended,
    /// a `subject`, an `artifactType`, and (OCI only) without the `mediaType` field.
    public func manifest(
        _ format: ManifestFormat, config: Blob, layers: [Blob], foreignLayers: [Descriptor] = [],
        subject: BuiltManifest? = nil, artifactType: String? = nil, omitMediaType: Bool = false
    ) -> BuiltManifest {
        let body = ImageManifest(
            mediaType: omitMediaType && format == .oci ? nil : format.manifestType,
            artifactType: artifactType,
            config: config.descriptor,
            layers: layers.map(\.descriptor) + foreignLayers,
            subject: subject?.descriptor())
        return BuiltManifest(
            bytes: encode(body), mediaType: format.manifestType, blobs: [config] + layers,
            foreignLayers: foreignLayers.map(\.digest), subject: subject?.digest)
    }

    /// A complete image: `extraLayers` (shared ones) then `newLayers` fresh random layers, and a config.
    public mutating func image(
        _ format: ManifestFormat, sharing extraLayers: [Blob] = [], newLayers: Int = 1,
        layerSize: Int = 2048, architecture: String = "amd64"
    ) -> BuiltManifest {
        let layers = extraLayers + (0..<newLayers).map { _ in layer(format, size: layerSize) }
        let cfg = config(format, layers: layers, architecture: architecture)
        return manifest(format, config: cfg, layers: layers)
    }

    /// A Docker manifest list or OCI index over `children` (each with its platform).
    public func index(_ format: ManifestFormat, children: [(BuiltManifest, Platform)], subject: BuiltManifest? = nil) -> BuiltManifest {
        let body = ImageIndex(
            mediaType: format.indexType,
            manifests: children.map { $0.0.descriptor(platform: $0.1) },
            subject: subject?.descriptor())
        return BuiltManifest(
            bytes: encode(body), mediaType: format.indexType, children: children.map(\.0), subject: subject?.digest)
    }

    /// A descriptor of a foreign layer: random digest, `urls` set, blob never pushed.
    public mutating func foreignLayer(size: Int = 4096) -> Descriptor {
        let digest = ContentDigest.of(randomBytes(64))
        return Descriptor(
            mediaType: MediaType.dockerForeignLayer, digest: digest, size: size,
            urls: ["https://example.invalid/layers/\(ContentDigest.hexPart(digest))"])
    }

    /// An OCI artifact manifest referring to `subject`: empty config, one payload layer.
    public mutating func referrer(
        to subject: BuiltManifest, artifactType: String, payloadMediaType: String, omitMediaType: Bool = false
    ) -> BuiltManifest {
        let empty = Blob(data: Data("{}".utf8), mediaType: MediaType.ociEmpty)
        let payload = Blob(data: randomBytes(300), mediaType: payloadMediaType)
        return manifest(
            .oci, config: empty, layers: [payload], subject: subject, artifactType: artifactType,
            omitMediaType: omitMediaType)
    }

    private func encode<T: Encodable>(_ value: T) -> Data {
        // Encoding plain structs of strings and ints cannot fail.
        try! encoder.encode(value)
    }
}
