import CSystemShims
@preconcurrency import Glibc

extension Directory {
    /// Opens a regular file below this directory for reading (no symlinks anywhere); `nil` if absent.
    public func openFile(_ name: String) throws(POSIXError) -> FileDescriptor? {
        let fd = Directory.openBeneath(descriptor, name, O_RDONLY)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw POSIXError("open", path: path(of: name))
        }
        return FileDescriptor(descriptor: fd, path: path(of: name))
    }

    /// Creates a new file that must not exist yet (`O_EXCL`), for writing.
    public func createFile(_ name: String, mode: UInt32 = 0o600) throws(POSIXError) -> FileDescriptor {
        let fd = openat(descriptor, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw POSIXError("create", path: path(of: name)) }
        return FileDescriptor(descriptor: fd, path: path(of: name))
    }

    /// Creates a child directory; `false` if something by that name exists already.
    @discardableResult
    public func createDirectory(_ name: String, mode: UInt32 = 0o700) throws(POSIXError) -> Bool {
        if mkdirat(descriptor, name, mode_t(mode)) != 0 {
            if errno == EEXIST { return false }
            throw POSIXError("mkdir", path: path(of: name))
        }
        return true
    }

    /// Creates a symlink named `name` holding `target` (which is never resolved here).
    public func createSymlink(_ name: String, target: String) throws(POSIXError) {
        guard symlinkat(target, descriptor, name) == 0 else { throw POSIXError("symlink", path: path(of: name)) }
    }

    /// The target text of a symlink.
    public func symlinkTarget(_ name: String) throws(POSIXError) -> String {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlinkat(descriptor, name, &buffer, 4096)
        guard n >= 0 else { throw POSIXError("readlink", path: path(of: name)) }
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Renames `name` to `newName` in `destination`; never replaces an existing directory with content.
    public func rename(_ name: String, to newName: String, in destination: Directory) throws(POSIXError) {
        guard renameat(descriptor, name, destination.descriptor, newName) == 0 else {
            throw POSIXError("rename", path: path(of: name))
        }
    }

    /// Sets a name's permission bits (not through a symlink).
    public func setMode(_ name: String, _ mode: UInt32) throws(POSIXError) {
        guard fchmodat(descriptor, name, mode_t(mode), 0) == 0 else { throw POSIXError("chmod", path: path(of: name)) }
    }

    /// Sets a name's owner and group without following a symlink.
    public func setOwner(_ name: String, uid: UInt32, gid: UInt32) throws(POSIXError) {
        guard fchownat(descriptor, name, uid, gid, AT_SYMLINK_NOFOLLOW) == 0 else { throw POSIXError("chown", path: path(of: name)) }
    }

    /// Sets a name's modification time without following a symlink (nanoseconds since the epoch).
    public func setModified(_ name: String, _ nanoseconds: Int64) throws(POSIXError) {
        var times = [Directory.timespecFrom(nanoseconds), Directory.timespecFrom(nanoseconds)]
        guard utimensat(descriptor, name, &times, AT_SYMLINK_NOFOLLOW) == 0 else { throw POSIXError("utimens", path: path(of: name)) }
    }

    /// Flushes this directory's entries (after creating or renaming in it).
    public func sync() throws(POSIXError) {
        guard fsync(descriptor) == 0 else { throw POSIXError("fsync", path: path) }
    }

    /// Creates an operator-given `path` and any missing parents, like `mkdir -p` (symlinks in
    /// the operator's own path are followed).
    public static func makeDirectories(_ path: String, mode: UInt32) throws(POSIXError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, mode_t(mode)) != 0 && errno != EEXIST { throw POSIXError("mkdir", path: prefix) }
        }
    }

    /// Removes `name` and everything below it, never following symlinks; `false` if it was absent.
    @discardableResult
    public func removeTree(_ name: String) throws(POSIXError) -> Bool {
        guard let status = try status(of: name) else { return false }
        if status.kind == .directory, let child = try openDirectory(name) {
            for entry in try child.entries() { try child.removeTree(entry.name) }
            return try removeEmptyDirectory(name)
        }
        return try removeFile(name)
    }

    static func timespecFrom(_ nanoseconds: Int64) -> timespec {
        var seconds = nanoseconds / 1_000_000_000
        var nanos = nanoseconds % 1_000_000_000
        if nanos < 0 { seconds -= 1; nanos += 1_000_000_000 }
        return timespec(tv_sec: Int(seconds), tv_nsec: Int(nanos))
    }
}
