/// One path of a backup's complete file set, with what an incremental needs to skip it next time.
public struct CatalogEntry: Codable, Sendable, Equatable {
    /// `NAME/relative/path` (the source name, then the path inside the source; the source root is `NAME`).
    public var path: String
    /// `f` file, `d` directory, `l` symlink.
    public var type: String
    public var size: Int64
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    /// Modification time, nanoseconds since the epoch.
    public var mtime: Int64
    /// Status-change time and inode: a file whose size, mtime, ctime and inode are unchanged is not re-read.
    public var ctime: Int64
    public var inode: UInt64
    /// SHA-256 (hex) of a file's content.
    public var sha256: String?
    /// A symlink's target.
    public var target: String?
    /// The id of the backup whose archive holds this file's content (files only).
    public var archive: String?

    public init(path: String, type: String, size: Int64, mode: UInt32, uid: UInt32, gid: UInt32, mtime: Int64,
                ctime: Int64, inode: UInt64, sha256: String? = nil, target: String? = nil, archive: String? = nil) {
        self.path = path
        self.type = type
        self.size = size
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.mtime = mtime
        self.ctime = ctime
        self.inode = inode
        self.sha256 = sha256
        self.target = target
        self.archive = archive
    }

    public var isFile: Bool { type == "f" }
    public var isDirectory: Bool { type == "d" }
    public var isSymlink: Bool { type == "l" }
}
