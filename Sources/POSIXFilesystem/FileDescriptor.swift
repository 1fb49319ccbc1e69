@preconcurrency import Glibc

/// An open regular file (for reading or writing), closed when the value goes away.
public final class FileDescriptor {
    /// The descriptor; valid for the lifetime of this object.
    public let descriptor: Int32
    /// The file's path, for messages only.
    public let path: String

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// The file's status now.
    public func status() throws(POSIXError) -> FileStatus {
        var s = stat()
        guard fstat(descriptor, &s) == 0 else { throw POSIXError("stat", path: path) }
        return FileStatus(s)
    }

    /// Reads up to `buffer.count` bytes; 0 at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(POSIXError) -> Int {
        while true {
            let n = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw POSIXError("read", path: path) }
        }
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(POSIXError) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw POSIXError("write", path: path)
            }
            offset += n
        }
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: [UInt8]) throws(POSIXError) {
        var failure: POSIXError?
        bytes.withUnsafeBytes { raw in
            do throws(POSIXError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Flushes the file's data and metadata to the disk.
    public func sync() throws(POSIXError) {
        guard fsync(descriptor) == 0 else { throw POSIXError("fsync", path: path) }
    }

    /// Sets permission bits.
    public func setMode(_ mode: UInt32) throws(POSIXError) {
        guard fchmod(descriptor, mode_t(mode)) == 0 else { throw POSIXError("chmod", path: path) }
    }

    /// Sets owner and group.
    public func setOwner(uid: UInt32, gid: UInt32) throws(POSIXError) {
        guard fchown(descriptor, uid, gid) == 0 else { throw POSIXError("chown", path: path) }
    }

    /// Sets access and modification times (nanoseconds since the epoch).
    public func setModified(_ nanoseconds: Int64) throws(POSIXError) {
        var times = [Directory.timespecFrom(nanoseconds), Directory.timespecFrom(nanoseconds)]
        guard futimens(descriptor, &times) == 0 else { throw POSIXError("utimens", path: path) }
    }

    /// Positions reading or writing at `offset`.
    public func seek(to offset: Int64) throws(POSIXError) {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else { throw POSIXError("lseek", path: path) }
    }

    /// Reads exactly `count` bytes at `offset` (fewer only at end of file).
    public func read(count: Int, at offset: Int64) throws(POSIXError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        var failure: Int32 = 0
        bytes.withUnsafeMutableBytes { buffer in
            while filled < count {
                let n = pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
                if n < 0 { if errno == EINTR { continue }; failure = errno; return }
                if n == 0 { break }
                filled += n
            }
        }
        if failure != 0 { throw POSIXError("read", path: path, code: failure) }
        return Array(bytes.prefix(filled))
    }
}
