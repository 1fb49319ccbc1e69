/// One member of a tar archive: its metadata (the content follows it in the stream).
public struct TarEntry: Sendable, Equatable {
    /// The kinds of member regkeeper writes and accepts.
    public enum Kind: Sendable, Equatable {
        case file, directory, symlink
    }

    /// Relative path with `/` separators, no leading `/`, no `.` or `..` components.
    public var path: String
    public var kind: Kind
    /// Permission bits (e.g. 0o644).
    public var mode: UInt32
    /// Content size (files only).
    public var size: Int64
    /// Modification time, nanoseconds since the epoch.
    public var modified: Int64
    public var uid: UInt32
    public var gid: UInt32
    /// The target of a symlink.
    public var linkTarget: String

    public init(path: String, kind: Kind, mode: UInt32, size: Int64 = 0, modified: Int64,
                uid: UInt32 = 0, gid: UInt32 = 0, linkTarget: String = "") {
        self.path = path
        self.kind = kind
        self.mode = mode
        self.size = size
        self.modified = modified
        self.uid = uid
        self.gid = gid
        self.linkTarget = linkTarget
    }
}
