/// One file, directory or symlink of a store as seen by `lstat`, with a hash of file contents.
public struct StoreEntry: Hashable, Sendable, CustomStringConvertible {
    /// What kind of node it is.
    public enum Kind: String, Sendable {
        case file, directory, symlink, other
    }

    /// Path relative to the store root.
    public let path: String
    /// Node type.
    public let kind: Kind
    /// Size in bytes (`st_size`).
    public let size: Int64
    /// Permission bits (`st_mode & 0o7777`).
    public let mode: UInt32
    /// Modification time in nanoseconds since the epoch.
    public let mtimeNanoseconds: Int64
    /// `sha256:` of a file's contents, a symlink's target, or nil (directories, unreadable files).
    public let contentHash: String?

    /// Creates an entry.
    public init(path: String, kind: Kind, size: Int64, mode: UInt32, mtimeNanoseconds: Int64, contentHash: String?) {
        self.path = path
        self.kind = kind
        self.size = size
        self.mode = mode
        self.mtimeNanoseconds = mtimeNanoseconds
        self.contentHash = contentHash
    }

    public var description: String {
        "\(kind.rawValue) \(path) size=\(size) mode=\(String(mode, radix: 8)) mtime=\(mtimeNanoseconds) hash=\(contentHash ?? "-")"
    }
}
