/// What `backup` read and wrote, printed by `backup --json`.
public struct BackupReport: Encodable, Sendable {
    public var id: String
    public var kind: String
    public var parent: String?
    public var archive: String
    public var entries: Int
    /// Files whose content was read and stored in this archive.
    public var filesRead: Int
    public var bytesRead: Int64
    /// Files not read because the chain already holds their content (unchanged, or registry blobs).
    public var filesSkipped: Int
    public var bytesSkipped: Int64
    /// Registry blobs left out by `--skip-unreferenced`.
    public var unreferencedBlobsSkipped: Int
    /// Bytes of the tar stream before compression, and of the archive file.
    public var tarBytes: Int64
    public var archiveBytes: Int64
    public var warnings: [String]
    public var durationSeconds: Double
}
