import Foundation

/// Writes images into an OCI image layout directory (`oci-layout`, `index.json`, `blobs/sha256/`)
/// so skopeo can push them with `oci:DIR:tag`.
public struct OCILayoutWriter {
    /// The layout directory.
    public let directory: URL
    private var entries: [Descriptor] = []

    /// Creates (or reuses) a layout at `directory`.
    public init(directory: URL) throws {
        self.directory = directory
        let fm = FileManager.default
        try fm.createDirectory(at: directory.appendingPathComponent("blobs/sha256"), withIntermediateDirectories: true)
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: directory.appendingPathComponent("oci-layout"))
        try writeIndex()
    }

    /// Adds `manifest` (with its blobs and children) and names it `tag` in `index.json`.
    public mutating func add(_ manifest: BuiltManifest, tag: String) throws {
        for item in manifest.allManifests {
            for blob in item.blobs { try writeBlob(blob.data, digest: blob.digest) }
            try writeBlob(item.bytes, digest: item.digest)
        }
        entries.removeAll { $0.annotations?["org.opencontainers.image.ref.name"] == tag }
        var entry = manifest.descriptor()
        entry.annotations = ["org.opencontainers.image.ref.name": tag]
        entries.append(entry)
        try writeIndex()
    }

    /// The skopeo reference of `tag` in this layout.
    public func reference(tag: String) -> String { "oci:\(directory.path):\(tag)" }

    private func writeBlob(_ data: Data, digest: String) throws {
        let url = directory.appendingPathComponent("blobs/sha256/\(ContentDigest.hexPart(digest))")
        if !FileManager.default.fileExists(atPath: url.path) { try data.write(to: url) }
    }

    private func writeIndex() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let index = ImageIndex(mediaType: MediaType.ociIndex, manifests: entries)
        try encoder.encode(index).write(to: directory.appendingPathComponent("index.json"))
    }
}
