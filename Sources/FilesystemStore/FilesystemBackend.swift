import POSIXFilesystem
import RegistryStore

/// The registry's `filesystem` storage driver: a store root directory on local disk.
///
/// Every access goes through directory descriptors below the store root, with no symlink
/// followed anywhere (`openat2` with `RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH`, `O_NOFOLLOW`,
/// `AT_SYMLINK_NOFOLLOW`, `unlinkat`).
public struct FilesystemBackend: StoreBackend {
    public typealias Directory = POSIXFilesystem.Directory

    /// The store root (the registry's `rootdirectory`).
    public let storeRoot: Directory

    public var location: String { storeRoot.path }

    /// Opens a store root (a symlink in the path the operator gives is followed; none below it is).
    public init(root path: String) throws(StoreError) {
        do {
            storeRoot = try Directory.open(path)
        } catch {
            throw .access(path: path, reason: error.reason)
        }
    }

    public func registryRoot() throws(StoreError) -> Directory? {
        try openDirectory(StoreLayout.registryRoot, in: storeRoot)
    }

    public func displayPath(_ directory: Directory, _ name: String?) -> String {
        name.map { directory.path(of: $0) } ?? directory.path
    }

    public func openDirectory(_ relativePath: String, in parent: Directory) throws(StoreError) -> Directory? {
        do { return try parent.openDirectory(relativePath) } catch { throw StoreError(error) }
    }

    public func entries(of directory: Directory) throws(StoreError) -> [StoreEntry] {
        do {
            var result: [StoreEntry] = []
            for entry in try directory.entries() {
                var kind = entry.kind
                if kind == nil { kind = try directory.status(of: entry.name)?.kind }
                result.append(StoreEntry(name: entry.name, kind: StoreEntryKind(kind)))
            }
            return result
        } catch {
            throw StoreError(error)
        }
    }

    public func info(_ relativePath: String, in parent: Directory) throws(StoreError) -> StoreFileInfo? {
        do {
            return try parent.status(of: relativePath).map {
                StoreFileInfo(kind: StoreEntryKind($0.kind), size: $0.size, modified: $0.modifiedNanoseconds)
            }
        } catch {
            throw StoreError(error)
        }
    }

    public func read(_ relativePath: String, in parent: Directory, limit: Int) throws(StoreError) -> StoreFile? {
        do {
            return try parent.readFile(relativePath, limit: limit).map {
                StoreFile(bytes: $0.bytes, info: StoreFileInfo(kind: .file, size: $0.status.size, modified: $0.status.modifiedNanoseconds))
            }
        } catch {
            throw StoreError(error)
        }
    }

    public func readStream(_ relativePath: String, in parent: Directory,
                           _ body: (UnsafeRawBufferPointer) -> Void) throws(StoreError) -> Bool {
        let opened: FileDescriptor?
        do { opened = try parent.openFile(relativePath) } catch { throw StoreError(error) }
        guard let file = opened else { return false }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            var failure: POSIXError?
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                do throws(POSIXError) { return try file.read(into: raw) } catch {
                    failure = error
                    return 0
                }
            }
            if let failure { throw StoreError(failure) }
            if n == 0 { return true }
            buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }

    public func replaceFile(_ relativePath: String, with bytes: [UInt8], in parent: Directory) throws(StoreError) {
        let (opened, name) = try split(relativePath, in: parent)
        guard let directory = opened else { throw .access(path: parent.path(of: relativePath), reason: "its directory is missing") }
        let temporary = "\(name).\(UInt64.random(in: 0...UInt64.max)).tmp"
        do {
            let file = try directory.createFile(temporary, mode: 0o644)
            try file.write(bytes)
            try file.sync()
            try directory.rename(temporary, to: name, in: directory)
        } catch {
            _ = try? directory.removeFile(temporary)
            throw StoreError(error)
        }
    }

    public func removeFile(_ relativePath: String, in parent: Directory) throws(StoreError) -> Bool {
        let (directory, name) = try split(relativePath, in: parent)
        guard let directory else { return false }
        do { return try directory.removeFile(name) } catch { throw StoreError(error) }
    }

    public func removeEmptyDirectory(_ relativePath: String, in parent: Directory) throws(StoreError) -> Bool {
        let (directory, name) = try split(relativePath, in: parent)
        guard let directory else { return false }
        do { return try directory.removeEmptyDirectory(name) } catch { throw StoreError(error) }
    }

    /// Opens the parent of the last component (no symlinks on the way) and returns it with that name.
    private func split(_ relativePath: String, in parent: Directory) throws(StoreError) -> (Directory?, String) {
        guard let slash = relativePath.lastIndex(of: "/") else { return (parent, relativePath) }
        let name = String(relativePath[relativePath.index(after: slash)...])
        return (try openDirectory(String(relativePath[..<slash]), in: parent), name)
    }

    /// Takes the store's exclusive lock (`flock` on `docker/registry/v2`), so two runs never overlap.
    /// Hold the returned value for as long as the lock is needed.
    public func lock() throws(StoreError) -> StoreLock? {
        guard let root = try registryRoot() else { return nil }
        let acquired: Bool
        do { acquired = try root.tryLockExclusive() } catch { throw StoreError(error) }
        guard acquired else { throw .locked(path: root.path) }
        return StoreLock(directory: root)
    }
}

/// An exclusive lock on a store, released when the value goes away (or the process ends).
public struct StoreLock: Sendable {
    let directory: POSIXFilesystem.Directory
}

extension StoreEntryKind {
    init(_ kind: FileKind?) {
        switch kind {
        case .regular?: self = .file
        case .directory?: self = .directory
        case .symlink?: self = .symlink
        case .other?: self = .other
        case nil: self = .unknown
        }
    }
}

extension StoreError {
    init(_ error: POSIXError) {
        var reason = error.reason
        if error.code == 40 || error.code == 18 {  // ELOOP, EXDEV from RESOLVE_NO_SYMLINKS / RESOLVE_BENEATH
            reason = "a symlink is in the way; symlinks in the store are never followed"
        }
        self = .access(path: error.path, reason: reason)
    }
}
