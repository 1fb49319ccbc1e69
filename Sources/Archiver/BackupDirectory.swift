import POSIXFilesystem

/// The directory backups are written to: archives `<id>-full.tar.zst` / `<id>-incr.tar.zst`
/// and their catalogs `<id>.catalog.zst`. A backup exists once its catalog does.
public final class BackupDirectory {
    public let directory: Directory
    public var path: String { directory.path }

    static let catalogSuffix = ".catalog.zst"
    static let temporaryPrefix = ".regkeeper-"

    /// Opens (and with `create`, makes) a backup directory.
    public init(path: String, create: Bool) throws(BackupError) {
        if create {
            try posix { () throws(POSIXError) in try Directory.makeDirectories(path, mode: 0o700) }
        }
        directory = try posix { () throws(POSIXError) in try Directory.open(path) }
    }

    /// A lock on the directory for the lifetime of the returned value: exclusive for writers,
    /// shared for readers (restore, verify), so readers never see a backup being written.
    public func lock(shared: Bool = false) throws(BackupError) -> Directory {
        guard let handle = try posix({ () throws(POSIXError) in try directory.openDirectory(".") }) else {
            throw BackupError.io(path: path, reason: "vanished")
        }
        let acquired = try posix { () throws(POSIXError) in try shared ? handle.tryLockShared() : handle.tryLockExclusive() }
        guard acquired else { throw BackupError.locked(path: path) }
        return handle
    }

    /// Every complete backup's catalog header, oldest first.
    public func headers() throws(BackupError) -> [CatalogHeader] {
        let names = try posix { () throws(POSIXError) in try directory.entries() }
        var headers: [CatalogHeader] = []
        for entry in names where entry.name.hasSuffix(Self.catalogSuffix) && !entry.name.hasPrefix(".") {
            headers.append(try header(id: String(entry.name.dropLast(Self.catalogSuffix.count))))
        }
        return headers.sorted { $0.id < $1.id }
    }

    /// The header of one backup's catalog (only its first frame is decompressed), with the
    /// archive's size as it is on disk.
    public func header(id: String) throws(BackupError) -> CatalogHeader {
        let name = id + Self.catalogSuffix
        guard let bytes = try posix({ () throws(POSIXError) in try directory.readFile(name, limit: 1 << 30)?.bytes }) else {
            throw BackupError.unknownBackup(id: id, path: path)
        }
        var header: CatalogHeader
        do { header = try Catalog.decodeHeader(compressed: bytes) } catch {
            throw BackupError.damagedArchive(path: directory.path(of: name), reason: "\(error)")
        }
        guard header.id == id else {
            throw BackupError.damagedArchive(path: directory.path(of: name), reason: "catalog says it belongs to \(header.id)")
        }
        if let size = try posix({ () throws(POSIXError) in try directory.status(of: header.archive)?.size }) { header.archiveBytes = size }
        return header
    }

    /// The catalog of one backup, from the copy beside its archive.
    public func catalog(id: String) throws(BackupError) -> Catalog {
        let name = id + Self.catalogSuffix
        guard let bytes = try posix({ () throws(POSIXError) in try directory.readFile(name, limit: 1 << 30)?.bytes }) else {
            throw BackupError.unknownBackup(id: id, path: path)
        }
        do {
            let catalog = try Catalog.decode(compressed: bytes)
            guard catalog.header.id == id else {
                throw BackupError.damagedArchive(path: directory.path(of: name), reason: "catalog says it belongs to \(catalog.header.id)")
            }
            return catalog
        } catch let error as BackupError {
            throw error
        } catch {
            throw BackupError.damagedArchive(path: directory.path(of: name), reason: "\(error)")
        }
    }

    /// The chain ending at `id` (default: the newest backup): the full backup first.
    public func chain(to id: String?) throws(BackupError) -> [CatalogHeader] {
        try chain(to: id, among: try headers())
    }

    /// The chain ending at `id`, from headers already read with `headers()`.
    public func chain(to id: String?, among all: [CatalogHeader]) throws(BackupError) -> [CatalogHeader] {
        guard !all.isEmpty else { throw BackupError.noBackups(path: path) }
        let found = id.map { wanted in all.first { $0.id == wanted } } ?? all.last
        guard let target = found else { throw BackupError.unknownBackup(id: id ?? "", path: path) }
        var chain = [target]
        var current = target
        while let parent = current.parent {
            guard let found = all.first(where: { $0.id == parent }) else {
                throw BackupError.missingChainMember(id: target.id, needed: "parent backup \(parent)")
            }
            chain.insert(found, at: 0)
            current = found
        }
        for member in chain where try posix({ () throws(POSIXError) in try directory.status(of: member.archive)?.kind }) != .regular {
            throw BackupError.missingChainMember(id: target.id, needed: "archive \(member.archive)")
        }
        return chain
    }

    /// Opens an archive for reading.
    public func openArchive(_ header: CatalogHeader) throws(BackupError) -> ArchiveReader {
        guard let codec = ArchiveCodec.of(fileName: header.archive) else {
            throw BackupError.damagedArchive(path: directory.path(of: header.archive), reason: "unknown archive type")
        }
        guard let file = try posix({ () throws(POSIXError) in try directory.openFile(header.archive) }) else {
            throw BackupError.missingChainMember(id: header.id, needed: "archive \(header.archive)")
        }
        return ArchiveReader(file: file, codec: codec)
    }
}

/// Runs a system-call wrapper, turning its `POSIXError` into a `BackupError` naming the same path.
func posix<T>(_ body: () throws(POSIXError) -> T) throws(BackupError) -> T {
    do { return try body() } catch { throw BackupError.io(path: error.path, reason: error.reason) }
}
