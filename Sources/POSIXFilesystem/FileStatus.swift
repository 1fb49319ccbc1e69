@preconcurrency import Glibc

/// What kind of object a directory entry or path is; symlinks are reported, never followed.
public enum FileKind: Sendable, Equatable {
    case regular, directory, symlink, other

    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symlink
        default: self = .other
        }
    }
}

/// The fields of `struct stat` the tool uses, with times in nanoseconds since the epoch.
public struct FileStatus: Sendable, Equatable {
    public let kind: FileKind
    public let size: Int64
    public let mode: UInt32
    public let modifiedNanoseconds: Int64
    public let changedNanoseconds: Int64
    public let inode: UInt64
    public let device: UInt64
    public let links: UInt64
    public let uid: UInt32
    public let gid: UInt32

    init(_ s: stat) {
        kind = FileKind(mode: s.st_mode)
        size = Int64(s.st_size)
        mode = UInt32(s.st_mode)
        modifiedNanoseconds = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec)
        changedNanoseconds = Int64(s.st_ctim.tv_sec) * 1_000_000_000 + Int64(s.st_ctim.tv_nsec)
        inode = UInt64(s.st_ino)
        device = UInt64(s.st_dev)
        links = UInt64(s.st_nlink)
        uid = UInt32(s.st_uid)
        gid = UInt32(s.st_gid)
    }
}
