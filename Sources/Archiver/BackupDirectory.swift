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
            do { try Directory.makeDirectories(path, mode: 0o700) } catch { throw BackupError.io(path: error.path, reason: error.reason) }
        }
        do { directory = try Directory.open(path) } catch { throw BackupError.io(path: error.path, reason: error.reason) }
    }

    /// An exclusive lock on the directory for the caller's lifetime of the returned value.
    public func lock() throws(BackupError) -> Directory {
        let handle: Directory
        do {
            guard let opened = try directory.openDirectory(".") else { throw BackupError.io(path: path, reason: "vanished") }
            handle = opened
        } catch let error as POSIXError {
            throw BackupError.io(path: error.path, reason: error.reason)
        } catch {
            throw BackupError.io(path: path, reason: "\(error)")
        }
        let acquired: Bool
        do { acquired = try handle.tryLockExclusive() } catch { throw BackupError.io(path: error.path, reason: error.reason) }
        guard acquired else { throw BackupError.locked(path: path) }
        return handle
    }

    /// Every complete backup's catalog header, oldest first.
    public func headers() throws(BackupError) -> [CatalogHeader] {
        let names: [DirectoryEntry]
        do { names = try directory.entries() } catch { throw BackupError.io(path: error.path, reason: error.reason) }
        var headers: [CatalogHeader] = []
        for entry in names where entry.name.hasSuffix(Self.catalogSuffix) && !entry.name.hasPrefix(".") {
            headers.append(try catalog(id: String(entry.name.dropLast(Self.catalogSuffix.count))).header)
        }
        return headers.sorted { $0.id < $1.id }
    }

    /// The catalog of one backup, from the copy beside its archive.
    public func catalog(id: String) throws(BackupError) -> Catalog {
        let name = id + Self.catalogSuffix
        let bytes: [UInt8]
        do {
            guard let read = try directory.readFile(name, limit: 1 << 30) else { throw BackupError.unknownBackup(id: id, path: path) }
            bytes = read.bytes
        } catch let error as POSIXError {
            throw BackupError.io(path: error.path, reason: error.reason)
        } catch let error as BackupError {
            throw error
        } catch {
            throw BackupError.io(path: directory.path(of: name), reason: "\(error)")
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
        let all = try headers()
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
        for member in chain {
            do {
                guard try directory.status(of: member.archive)?.kind == .regular else {
                    throw BackupError.missingChainMember(id: target.id, needed: "archive \(member.archive)")
                }
            } catch let error as POSIXError {
                throw BackupError.io(path: error.path, reason: error.reason)
            } catch let error as BackupError {
                throw error
            } catch {
                throw BackupError.io(path: path, reason: "\(error)")
            }
        }
        return chain
    }

    /// Opens an archive for reading.
    public func openArchive(_ header: CatalogHeader) throws(BackupError) -> ArchiveReader {
        guard let codec = ArchiveCodec.of(fileName: header.archive) else {
            throw BackupError.damagedArchive(path: directory.path(of: header.archive), reason: "unknown archive type")
        }
        do {
            guard let file = try directory.openFile(header.archive) else {
                throw BackupError.missingChainMember(id: header.id, needed: "archive \(header.archive)")
            }
            return ArchiveReader(file: file, codec: codec)
        } catch let error as POSIXError {
            throw BackupError.io(path: error.path, reason: error.reason)
        } catch let error as BackupError {
            throw error
        } catch {
            throw BackupError.io(path: path, reason: "\(error)")
        }
    }
}
