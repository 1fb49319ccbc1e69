/// What a backup is: its id, its place in the chain, and what it read and wrote.
public struct CatalogHeader: Codable, Sendable, Equatable {
    /// A source directory and the name its entries live under.
    public struct Source: Codable, Sendable, Equatable {
        public var name: String
        public var path: String
        /// Whether the source holds a registry store (`docker/registry/v2`).
        public var registry: Bool

        public init(name: String, path: String, registry: Bool) {
            self.name = name
            self.path = path
            self.registry = registry
        }
    }

    /// Format version of catalogs and archives.
    public var format = 1
    /// The backup id, e.g. `20261204T173000Z`; `ls` order is time order.
    public var id: String
    /// `full` or `incremental`.
    public var kind: String
    /// The id of the backup this one is incremental to.
    public var parent: String?
    /// RFC 3339 UTC creation time.
    public var created: String
    /// `zstd:LEVEL` or `lz4`.
    public var compression: String
    /// The archive's file name in the backup directory.
    public var archive: String
    public var sources: [Source]
    /// Entries in the file set, and how many of the files had their content stored in this archive.
    public var entries: Int
    public var filesStored: Int
    public var bytesStored: Int64
    /// Files whose content was already in the chain (unchanged, or registry blobs).
    public var filesSkipped: Int
    /// Total size of all files in the set.
    public var totalBytes: Int64
    /// Compressed size of the archive.
    public var archiveBytes: Int64

    private enum CodingKeys: String, CodingKey {
        case format, id, kind, parent, created, compression, archive, sources, entries, filesStored, bytesStored,
             filesSkipped, totalBytes, archiveBytes
    }

    /// Encodes every field, `parent` as `null` for full backups.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(parent, forKey: .parent)
        try c.encode(created, forKey: .created)
        try c.encode(compression, forKey: .compression)
        try c.encode(archive, forKey: .archive)
        try c.encode(sources, forKey: .sources)
        try c.encode(entries, forKey: .entries)
        try c.encode(filesStored, forKey: .filesStored)
        try c.encode(bytesStored, forKey: .bytesStored)
        try c.encode(filesSkipped, forKey: .filesSkipped)
        try c.encode(totalBytes, forKey: .totalBytes)
        try c.encode(archiveBytes, forKey: .archiveBytes)
    }

    public init(id: String, kind: String, parent: String?, created: String, compression: String, archive: String,
                sources: [Source], entries: Int = 0, filesStored: Int = 0, bytesStored: Int64 = 0, filesSkipped: Int = 0,
                totalBytes: Int64 = 0, archiveBytes: Int64 = 0) {
        self.id = id
        self.kind = kind
        self.parent = parent
        self.created = created
        self.compression = compression
        self.archive = archive
        self.sources = sources
        self.entries = entries
        self.filesStored = filesStored
        self.bytesStored = bytesStored
        self.filesSkipped = filesSkipped
        self.totalBytes = totalBytes
        self.archiveBytes = archiveBytes
    }
}
