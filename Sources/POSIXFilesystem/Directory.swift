import CSystemShims
@preconcurrency import Glibc

/// An open directory file descriptor, closed when the value goes away.
///
/// Every operation is relative to this descriptor and never follows a symlink: children are
/// opened with `O_NOFOLLOW`, multi-component paths with `openat2(RESOLVE_NO_SYMLINKS |
/// RESOLVE_BENEATH)`, stats use `AT_SYMLINK_NOFOLLOW`, removals use `unlinkat`.
public final class Directory: Sendable {
    /// The descriptor; valid for the lifetime of this object.
    public let descriptor: Int32
    /// The directory's path, for messages only.
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Opens an absolute or working-directory-relative path given by the operator. Symlinks in
    /// that path are followed (`/backups -> /mnt/disk` is the operator's choice); everything
    /// opened *below* the returned directory is held to the no-symlink rule.
    public static func open(_ path: String) throws(POSIXError) -> Directory {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXError("open", path: path) }
        return Directory(descriptor: fd, path: path)
    }

    /// The full path of a name inside this directory, for messages.
    public func path(of name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }

    /// Opens a child directory (a relative path below this one is allowed); `nil` if it does not exist.
    public func openDirectory(_ name: String) throws(POSIXError) -> Directory? {
        let fd = Directory.openBeneath(descriptor, name, O_RDONLY | O_DIRECTORY)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw POSIXError("open", path: path(of: name))
        }
        return Directory(descriptor: fd, path: path(of: name))
    }

    /// Lists the entries, without `.` and `..`.
    public func entries() throws(POSIXError) -> [DirectoryEntry] {
        let copy = dup(descriptor)
        guard copy >= 0 else { throw POSIXError("dup", path: path) }
        guard let stream = fdopendir(copy) else {
            let code = errno
            close(copy)
            throw POSIXError("opendir", path: path, code: code)
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var result: [DirectoryEntry] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw POSIXError("readdir", path: path) }
                break
            }
            let type = entry.pointee.d_type
            let name: String = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let kind: FileKind?
            switch Int32(type) {
            case Int32(DT_REG): kind = .regular
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = .symlink
            case Int32(DT_UNKNOWN): kind = nil
            default: kind = .other
            }
            result.append(DirectoryEntry(name: name, kind: kind))
        }
        return result
    }

    /// Stats a name (a relative path below this directory is allowed) without following a final
    /// symlink; `nil` if it does not exist.
    public func status(of name: String) throws(POSIXError) -> FileStatus? {
        var s = stat()
        if fstatat(descriptor, name, &s, AT_SYMLINK_NOFOLLOW) != 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw POSIXError("stat", path: path(of: name))
        }
        return FileStatus(s)
    }

    /// Stats this directory itself.
    public func status() throws(POSIXError) -> FileStatus {
        var s = stat()
        guard fstat(descriptor, &s) == 0 else { throw POSIXError("stat", path: path) }
        return FileStatus(s)
    }

    /// Reads a regular file of at most `limit` bytes; `nil` if it does not exist.
    /// Returns the bytes read (at most `limit`) and the file's status, so callers can see an
    /// over-long file by `status.size > limit`.
    public func readFile(_ name: String, limit: Int) throws(POSIXError) -> (bytes: [UInt8], status: FileStatus)? {
        let fd = Directory.openBeneath(descriptor, name, O_RDONLY)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw POSIXError("open", path: path(of: name))
        }
        defer { close(fd) }
        var s = stat()
        guard fstat(fd, &s) == 0 else { throw POSIXError("stat", path: path(of: name)) }
        let status = FileStatus(s)
        guard status.kind == .regular else { throw POSIXError("read", path: path(of: name), code: EINVAL) }
        let wanted = Int(min(Int64(limit), max(status.size, 0)))
        var bytes = [UInt8](repeating: 0, count: wanted)
        var filled = 0
        var failure: Int32 = 0
        bytes.withUnsafeMutableBytes { buffer in
            while filled < wanted {
                let n = read(fd, buffer.baseAddress! + filled, wanted - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 { break }
                filled += n
            }
        }
        if failure != 0 { throw POSIXError("read", path: path(of: name), code: failure) }
        if filled < wanted { bytes.removeSubrange(filled...) }
        return (bytes, status)
    }

    /// Removes a file or symlink (never what it points at); `false` if it was already gone.
    @discardableResult
    public func removeFile(_ name: String) throws(POSIXError) -> Bool {
        if unlinkat(descriptor, name, 0) != 0 {
            if errno == ENOENT { return false }
            throw POSIXError("unlink", path: path(of: name))
        }
        return true
    }

    /// Removes an empty directory; `false` if it was already gone or is not empty.
    @discardableResult
    public func removeEmptyDirectory(_ name: String) throws(POSIXError) -> Bool {
        if unlinkat(descriptor, name, AT_REMOVEDIR) != 0 {
            if errno == ENOENT || errno == ENOTEMPTY || errno == EEXIST { return false }
            throw POSIXError("rmdir", path: path(of: name))
        }
        return true
    }

    /// Takes an exclusive advisory lock (`flock`) on this directory without waiting;
    /// `false` if another process holds it. The lock lasts as long as this object.
    public func tryLockExclusive() throws(POSIXError) -> Bool {
        try tryLock(LOCK_EX)
    }

    /// Takes a shared advisory lock (readers together, never beside an exclusive holder).
    public func tryLockShared() throws(POSIXError) -> Bool {
        try tryLock(LOCK_SH)
    }

    private func tryLock(_ kind: Int32) throws(POSIXError) -> Bool {
        if flock(descriptor, kind | LOCK_NB) != 0 {
            if errno == EWOULDBLOCK { return false }
            throw POSIXError("flock", path: path)
        }
        return true
    }

    /// `openat2` beneath `dirfd` with no symlinks anywhere; falls back to a component-by-component
    /// walk with `O_NOFOLLOW` on kernels without `openat2`.
    static func openBeneath(_ dirfd: Int32, _ relative: String, _ flags: Int32) -> Int32 {
        let fd = rk_open_beneath(dirfd, relative, flags)
        if fd >= 0 || errno != ENOSYS { return fd }
        let components = relative.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.isEmpty, !components.contains(where: { $0 == ".." || $0 == "." }) else {
            errno = EXDEV
            return -1
        }
        var current = dirfd
        for (i, component) in components.enumerated() {
            let last = i == components.count - 1
            let next = openat(current, String(component),
                              (last ? flags : O_RDONLY | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC)
            let code = errno
            if current != dirfd { close(current) }
            guard next >= 0 else {
                errno = code
                return -1
            }
            current = next
        }
        return current
    }
}
