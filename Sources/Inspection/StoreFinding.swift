import RegistryStore

/// One thing wrong in a store, found by `check`.
public struct StoreFinding: Sendable, Equatable, Encodable {
    /// What kind of problem it is; scripts can count and filter by it.
    public enum Kind: String, Sendable, Encodable, CaseIterable {
        /// A tag whose manifest, or a blob or child the manifest needs, is missing.
        case brokenTag
        /// A revision link whose manifest blob is missing.
        case danglingRevision
        /// A `_layers` link whose blob is missing.
        case danglingLayerLink
        /// An empty, garbage or mismatched link file.
        case badLinkFile
        /// A manifest blob that cannot be read or parsed, or does not match its digest.
        case badManifest
        /// A blob whose content does not hash to its digest (`--verify-blobs`).
        case corruptBlob
        /// A file or directory the layout does not explain.
        case strayEntry
        /// A `*.tmp` file left by an interrupted write (registry 3.1+ writes links that way).
        case temporaryLeftover
        /// Something could not be read at all (permissions, I/O).
        case unreadable
    }

    public let kind: Kind
    public let path: String
    public let message: String
    /// Whether `--repair` fixed it (by removing the link file).
    public var repaired = false

    public init(_ kind: Kind, path: String, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }
}
