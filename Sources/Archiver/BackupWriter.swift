import Collector
import FilesystemStore
import Hashing
import POSIXFilesystem
import RegistryStore

/// Writes one backup: a full one, or an incremental against the newest backup in the destination.
///
/// The archive is written under a temporary name, fsynced, and renamed; the catalog beside it is
/// written last, so a backup exists only when it is complete. Registry stores are read link files
/// first and blobs after, so a backup taken while the registry runs never references a blob it lacks.
public struct BackupWriter {
    public let options: BackupOptions

    public init(options: BackupOptions) { self.options = options }

    static let registryBlobs = "docker/registry/v2/blobs"
    static let chunkSize = 1 << 20

    /// Runs the backup. `now` (ns since the epoch) names it; `clock` measures its duration.
    public func run(now: Int64, clock: () -> Int64, progress: @escaping (WorkProgress) -> Void = { _ in }) throws(BackupError) -> BackupReport {
        let started = clock()
        guard !options.sources.isEmpty else { throw .badSource("nothing to back up: give one or more NAME=PATH sources") }
        let names = options.sources.map(\.name)
        guard Set(names).count == names.count else { throw .badSource("source names must be unique: \(names.joined(separator: ", "))") }

        let destination = try BackupDirectory(path: options.destination, create: true)
        let lock = try destination.lock()
        defer { withExtendedLifetime(lock) {} }
        removeStaleTemporaries(destination)

        let existing = try destination.headers()
        var parent: Catalog?
        if !options.full, let newest = existing.last {
            parent = try destination.catalog(id: newest.id)
            _ = try destination.chain(to: newest.id, among: existing)  // refuse to extend a broken chain
        }
        let id = Self.makeID(now: now, taken: Set(existing.map(\.id)))
        let kind = parent == nil ? "full" : "incremental"
        let archiveName = "\(id)-\(parent == nil ? "full" : "incr").\(options.codec.fileExtension)"
        let temporary = "\(BackupDirectory.temporaryPrefix)\(id).tmp"

        var session = Session(progress: progress, id: id, parent: parent.map { Dictionary($0.entries.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a }) } ?? [:])
        let file = try posix { () throws(POSIXError) in try destination.directory.createFile(temporary, mode: 0o600) }
        var completed = false
        defer { if !completed { _ = try? destination.directory.removeFile(temporary) } }

        var sources: [CatalogHeader.Source] = []
        do {
            let writer = try ArchiveWriter(output: file, codec: options.codec, workers: options.workers)
            for source in options.sources {
                sources.append(try backUp(source, into: writer, session: &session, destination: destination))
            }
            try writer.write(TarFormat.endOfArchive)
            let entries = session.entries.sorted { $0.path < $1.path }
            var header = CatalogHeader(id: id, kind: kind, parent: parent?.header.id, created: Timestamp.formatRFC3339(now),
                                       compression: options.codec.description, archive: archiveName, sources: sources)
            header.entries = entries.count
            header.filesStored = session.filesRead
            header.bytesStored = session.bytesRead
            header.filesSkipped = session.filesSkipped
            header.totalBytes = entries.reduce(0) { $0 + ($1.isFile ? $1.size : 0) }
            let catalog = Catalog(header: header, entries: entries)
            let compressedCatalog = try catalog.compressed()
            try writer.finish(catalog: compressedCatalog)
            try destination.directory.rename(temporary, to: archiveName, in: destination.directory)
            try writeCatalog(compressedCatalog, id: id, in: destination)
            try destination.directory.sync()
            completed = true
            return BackupReport(id: id, kind: kind, parent: parent?.header.id, archive: archiveName, entries: entries.count,
                                filesRead: session.filesRead, bytesRead: session.bytesRead,
                                filesSkipped: session.filesSkipped, bytesSkipped: session.bytesSkipped,
                                unreferencedBlobsSkipped: session.unreferencedSkipped,
                                tarBytes: writer.tarBytes, archiveBytes: writer.compressedBytes,
                                warnings: session.warnings, durationSeconds: Double(clock() - started) / 1e9)
        } catch let error as BackupError {
            throw error
        } catch let error as POSIXError {
            throw BackupError.io(path: error.path, reason: error.reason)
        } catch {
            throw BackupError.io(path: destination.directory.path(of: temporary), reason: "\(error)")
        }
    }

    /// What one run accumulates.
    struct Session {
        let id: String
        let parent: [String: CatalogEntry]
        var entries: [CatalogEntry] = []
        var warnings: [String] = []
        var filesRead = 0
        var bytesRead: Int64 = 0
        var filesSkipped = 0
        var bytesSkipped: Int64 = 0
        var unreferencedSkipped = 0
        /// Files and bytes of the sources walked so far, for progress.
        var plannedBytes: Int64 = 0
        var phase = ""
        let progress: (WorkProgress) -> Void
        var buffer = [UInt8](repeating: 0, count: BackupWriter.chunkSize)
        /// Grows to the largest file read whole so far (at most `wholeFileLimit`).
        var whole: [UInt8] = []
        let hasher = SHA256()

        init(progress: @escaping (WorkProgress) -> Void, id: String, parent: [String: CatalogEntry]) {
            self.progress = progress
            self.id = id
            self.parent = parent
        }
    }

    private func backUp(_ source: BackupOptions.Source, into writer: ArchiveWriter,
                        session: inout Session, destination: BackupDirectory) throws -> CatalogHeader.Source {
        let root: Directory
        do { root = try Directory.open(source.path) } catch {
            throw BackupError.badSource("\(source.name)=\(source.path): \(error.reason)")
        }
        let isRegistry = (try? root.status(of: "docker/registry/v2"))??.kind == .directory
        var skipped: [String] = []
        let rootStatus = try root.status()
        let destinationStatus = try destination.directory.status()
        guard !(rootStatus.device == destinationStatus.device && rootStatus.inode == destinationStatus.inode) else {
            throw BackupError.badSource("\(source.name)=\(source.path) is the backup destination itself")
        }
        let excluded = SourceWalker.Identity(device: destinationStatus.device, inode: destinationStatus.inode)
        var items: [SourceWalker.Item] = [SourceWalker.Item(relative: "", status: rootStatus, target: nil)]
        try SourceWalker.walk(root, relative: "", exclude: isRegistry ? Self.registryBlobs : nil, excludeDirectory: excluded,
                              into: &items, skipped: &skipped)
        session.phase = "backing up \(source.name)"
        session.plannedBytes += items.reduce(Int64(0)) { $0 + ($1.status.kind == .regular ? $1.status.size : 0) }
        for item in items { try store(item, of: source, root: root, into: writer, session: &session) }
        let unreferenced = isRegistry && options.skipUnreferenced ? unreferencedBlobs(source, session: &session) : []
        if isRegistry, let blobs = try root.openDirectory(Self.registryBlobs) {
            // Blobs after links: every link captured above names a blob that already existed.
            var blobItems: [SourceWalker.Item] = [SourceWalker.Item(relative: Self.registryBlobs, status: try blobs.status(), target: nil)]
            try SourceWalker.walk(blobs, relative: Self.registryBlobs, exclude: nil, excludeDirectory: excluded,
                                  into: &blobItems, skipped: &skipped)
            session.plannedBytes += blobItems.reduce(Int64(0)) { $0 + ($1.status.kind == .regular ? $1.status.size : 0) }
            session.phase = "backing up \(source.name) blobs"
            for item in blobItems {
                if !unreferenced.isEmpty, let hex = Self.blobHex(item.relative), unreferenced.contains(hex) { continue }
                if !unreferenced.isEmpty, item.status.kind == .directory, let hex = item.relative.split(separator: "/").last,
                   unreferenced.contains(String(hex)) { continue }
                try store(item, of: source, root: root, into: writer, session: &session, isRegistry: true)
            }
        }
        session.warnings += skipped
        return CatalogHeader.Source(name: source.name, path: source.path, registry: isRegistry)
    }

    private func store(_ item: SourceWalker.Item, of source: BackupOptions.Source, root: Directory, into writer: ArchiveWriter,
                       session: inout Session, isRegistry: Bool = false) throws {
        let path = item.relative.isEmpty ? source.name : source.name + "/" + item.relative
        let s = item.status
        var entry = CatalogEntry(path: path, type: "d", size: 0, mode: s.mode & 0o7777, uid: s.uid, gid: s.gid,
                                 mtime: s.modifiedNanoseconds, ctime: s.changedNanoseconds, inode: s.inode)
        switch s.kind {
        case .directory:
            try writer.write(TarFormat.headers(for: TarEntry(path: path, kind: .directory, mode: entry.mode,
                                                              modified: entry.mtime, uid: s.uid, gid: s.gid)))
        case .symlink:
            entry.type = "l"
            entry.target = item.target
            do { try EntryPolicy.checkSymlink(path, target: item.target ?? "") } catch {
                session.warnings.append("\(root.path(of: item.relative)) -> \(item.target ?? ""): points outside its source; "
                    + "'restore' refuses it unless given --allow-external-symlinks")
            }
            try writer.write(TarFormat.headers(for: TarEntry(path: path, kind: .symlink, mode: 0o777, modified: entry.mtime,
                                                              uid: s.uid, gid: s.gid, linkTarget: item.target ?? "")))
        case .regular:
            entry.type = "f"
            entry.size = s.size
            if let known = reusable(entry, relative: item.relative, isRegistry: isRegistry, session: session) {
                entry.sha256 = known.sha256
                entry.archive = known.archive
                session.filesSkipped += 1
                session.bytesSkipped += s.size
            } else {
                guard let stored = try readAndStore(item.relative, path: path, root: root, into: writer, session: &session,
                                                    isRegistry: isRegistry) else { return }
                entry = stored
            }
        case .other:
            return
        }
        session.entries.append(entry)
        if entry.isFile {
            session.progress(WorkProgress(phase: session.phase, files: session.filesRead + session.filesSkipped,
                                          bytes: session.bytesRead + session.bytesSkipped, totalBytes: session.plannedBytes,
                                          item: "\(entry.archive == session.id ? "read" : "unchanged") \(entry.path) (\(entry.size) bytes)"))
        }
    }

    /// Hex digests of the blobs a default-mode collection (grace period 1h) would delete; empty,
    /// with a warning, if the mark met anything it could not read.
    private func unreferencedBlobs(_ source: BackupOptions.Source, session: inout Session) -> Set<String> {
        do {
            var collection = CollectionOptions()
            collection.dryRun = true
            collection.jobs = Int(options.workers)
            let backend = try FilesystemBackend(root: source.path)
            let result = try GarbageCollector(backend: backend, options: collection).run(now: Self.wallClock())
            guard result.errors.isEmpty else {
                session.warnings.append("\(source.path): --skip-unreferenced ignored: the store has problems (\(result.errors.count), see 'regkeeper gc --dry-run')")
                return []
            }
            session.unreferencedSkipped = result.plan.blobs.count
            return Set(result.plan.blobs.map(\.digest.hex))
        } catch {
            session.warnings.append("\(source.path): --skip-unreferenced ignored: \(error)")
            return []
        }
    }

    static func wallClock() -> Int64 { POSIXProcess.wallClockNanoseconds }

    /// The parent's record of a file whose content need not be read again.
    private func reusable(_ entry: CatalogEntry, relative: String, isRegistry: Bool, session: Session) -> CatalogEntry? {
        guard let previous = session.parent[entry.path], previous.isFile, previous.sha256 != nil, previous.archive != nil,
              previous.size == entry.size else { return nil }
        if previous.mtime == entry.mtime && previous.ctime == entry.ctime && previous.inode == entry.inode { return previous }
        // Registry blobs are immutable and named by their digest.
        if isRegistry, let hex = Self.blobHex(relative), previous.sha256 == hex { return previous }
        return nil
    }

    /// The digest hex of `docker/registry/v2/blobs/sha256/xx/<hex>/data`, or nil for any other path.
    static func blobHex(_ relative: String) -> String? {
        let parts = relative.split(separator: "/")
        guard parts.count == 8, parts[3] == "blobs", parts[4] == "sha256", parts[7] == "data",
              Digest(hex: parts[6]) != nil, parts[6].hasPrefix(parts[5]) else { return nil }
        return String(parts[6])
    }

    /// Files up to this size are read whole before anything is written, so a file that changes
    /// while it is read never leaves a torn copy in the archive; larger ones are streamed.
    static let wholeFileLimit: Int64 = 64 << 20

    /// Reads a file into the archive, re-reading it if it changed meanwhile; nil if it vanished or never held still.
    private func readAndStore(_ relative: String, path: String, root: Directory, into writer: ArchiveWriter,
                              session: inout Session, isRegistry: Bool) throws -> CatalogEntry? {
        var leftTornCopy = false
        for _ in 1...3 {
            guard let file = try root.openFile(relative) else { return nil }
            var before = try file.status()
            guard before.kind == .regular else { return nil }
            // A file modified within the racy window could change again without its times
            // showing it: wait the window out before reading, so no copy is written in vain.
            let newest = max(before.modifiedNanoseconds, before.changedNanoseconds)
            let waitUntil = newest + Self.racyWindow + 10_000_000
            let now = POSIXProcess.wallClockNanoseconds
            if waitUntil > now {
                POSIXProcess.sleep(nanoseconds: min(waitUntil - now, Self.racyWindow + 10_000_000))
                let again = try file.status()
                guard again == before else { continue }
                before = again
            }
            let readStarted = POSIXProcess.wallClockNanoseconds
            if before.size <= Self.wholeFileLimit {
                guard let entry = try readWhole(file, before: before, readStarted: readStarted, path: path, into: writer,
                                                session: &session) else { continue }
                checkBlobDigest(entry, relative: relative, root: root, isRegistry: isRegistry, session: &session)
                return entry
            }
            leftTornCopy = true
            var first = try session.buffer.withUnsafeMutableBytes { try file.read(into: $0) }
            let compressed = before.size >= 65_536 && Self.isCompressed(session.buffer.prefix(first))
            try writer.write(TarFormat.headers(for: TarEntry(path: path, kind: .file, mode: before.mode & 0o7777, size: before.size,
                                                              modified: before.modifiedNanoseconds, uid: before.uid, gid: before.gid)))
            if compressed { try writer.setContentAlreadyCompressed(true) }
            var written: Int64 = 0
            var torn = false
            session.hasher.reset()
            while true {
                let n = Int(min(Int64(first), before.size - written))
                if n > 0 {
                    try session.buffer.withUnsafeBytes { raw in
                        let piece = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                        session.hasher.update(piece)
                        try writer.write(piece)
                    }
                    written += Int64(n)
                }
                if first > n { torn = true }  // grew past the size in the header
                if written == before.size || first == 0 { break }
                first = try session.buffer.withUnsafeMutableBytes { try file.read(into: $0) }
            }
            if written < before.size {
                torn = true
                try writer.write([UInt8](repeating: 0, count: Int(before.size - written)))
            }
            if compressed { try writer.setContentAlreadyCompressed(false) }
            try writer.write([UInt8](repeating: 0, count: TarFormat.padding(before.size)))
            let after = try file.status()
            torn = torn || !Self.heldStill(before: before, after: after, readStarted: readStarted)
            let digest = session.hasher.finalize()
            if torn { continue }
            session.filesRead += 1
            session.bytesRead += before.size
            let entry = CatalogEntry(path: path, type: "f", size: before.size, mode: before.mode & 0o7777, uid: before.uid, gid: before.gid,
                                     mtime: before.modifiedNanoseconds, ctime: before.changedNanoseconds, inode: before.inode,
                                     sha256: Digest(bytes: digest)!.hex, archive: session.id)
            checkBlobDigest(entry, relative: relative, root: root, isRegistry: isRegistry, session: &session)
            return entry
        }
        session.warnings.append("\(root.path(of: relative)): kept changing while it was read (3 tries); not in this backup"
            + (leftTornCopy ? " (its torn copies remain in the archive stream, where 'tar -x' would find them; 'restore' never uses them)" : ""))
        return nil
    }

    /// Reads a file whole into memory, and only if it held still writes it to the archive.
    private func readWhole(_ file: FileDescriptor, before: FileStatus, readStarted: Int64, path: String, into writer: ArchiveWriter,
                           session: inout Session) throws -> CatalogEntry? {
        let size = Int(before.size)
        if session.whole.count < size + 1 { session.whole = [UInt8](repeating: 0, count: size + 1) }
        var filled = 0
        // One byte more than the size, to notice a file that grew.
        while filled <= size {
            let n = try session.whole.withUnsafeMutableBytes { raw in
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...(size)]))
            }
            if n == 0 { break }
            filled += n
        }
        let after = try file.status()
        guard filled == size, Self.heldStill(before: before, after: after, readStarted: readStarted) else { return nil }
        // Large files are hashed on another thread while this one hands them to the compressor.
        let hashing = size >= Self.parallelHashThreshold ? BackgroundHash(session.whole, count: size) : nil
        let compressed = size >= 65_536 && Self.isCompressed(session.whole.prefix(6))
        try writer.write(TarFormat.headers(for: TarEntry(path: path, kind: .file, mode: before.mode & 0o7777, size: before.size,
                                                          modified: before.modifiedNanoseconds, uid: before.uid, gid: before.gid)))
        if compressed { try writer.setContentAlreadyCompressed(true) }
        try session.whole.withUnsafeBytes { raw in try writer.write(UnsafeRawBufferPointer(rebasing: raw[0..<size])) }
        if compressed { try writer.setContentAlreadyCompressed(false) }
        try writer.write([UInt8](repeating: 0, count: TarFormat.padding(before.size)))
        let digest: [UInt8]
        if let hashing {
            digest = hashing.result()
        } else {
            digest = session.whole.withUnsafeBytes { raw in
                session.hasher.reset()
                session.hasher.update(UnsafeRawBufferPointer(rebasing: raw[0..<size]))
                return session.hasher.finalize()
            }
        }
        session.filesRead += 1
        session.bytesRead += before.size
        return CatalogEntry(path: path, type: "f", size: before.size, mode: before.mode & 0o7777, uid: before.uid, gid: before.gid,
                            mtime: before.modifiedNanoseconds, ctime: before.changedNanoseconds, inode: before.inode,
                            sha256: Digest(bytes: digest)!.hex, archive: session.id)
    }

    /// Files at least this large are hashed on another thread while they are compressed.
    static let parallelHashThreshold = 1 << 20

    /// File times come from the kernel's coarse clock (a few milliseconds per tick), so a write
    /// in the same tick as an earlier one leaves mtime and ctime unchanged. A file modified within
    /// this window before its read began is therefore not trusted to have held still: it is read
    /// again after the window has passed (git calls these timestamps "racy"). The window is wide
    /// because a large write stamps the file when it starts and may still be copying data long
    /// after on a loaded machine.
    static let racyWindow: Int64 = 500_000_000

    /// Whether a file's size and times say it did not change while it was read.
    static func heldStill(before: FileStatus, after: FileStatus, readStarted: Int64) -> Bool {
        after.size == before.size && after.modifiedNanoseconds == before.modifiedNanoseconds
            && after.changedNanoseconds == before.changedNanoseconds
            && max(after.modifiedNanoseconds, after.changedNanoseconds) < readStarted - racyWindow
    }

    /// Warns when a registry blob's content does not hash to the digest in its name (corrupt in the store).
    private func checkBlobDigest(_ entry: CatalogEntry, relative: String, root: Directory, isRegistry: Bool, session: inout Session) {
        guard isRegistry, let hex = Self.blobHex(relative), hex != entry.sha256 else { return }
        session.warnings.append("\(root.path(of: relative)): blob content does not match its digest (sha256:\(entry.sha256 ?? "")): "
            + "corrupt in the store; it is backed up as found, but 'restore' and 'verify' will refuse it")
    }

    /// gzip, zstd, xz or bzip2 magic bytes.
    static func isCompressed(_ head: ArraySlice<UInt8>) -> Bool {
        let b = Array(head.prefix(6))
        if b.count >= 2, b[0] == 0x1F, b[1] == 0x8B { return true }
        if b.count >= 4, b[0] == 0x28, b[1] == 0xB5, b[2] == 0x2F, b[3] == 0xFD { return true }
        if b.count >= 6, b == [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] { return true }
        if b.count >= 3, b[0] == 0x42, b[1] == 0x5A, b[2] == 0x68 { return true }
        return false
    }

    /// Writes the catalog beside the archive (the same bytes as inside it), last: the backup exists from then on.
    private func writeCatalog(_ compressed: [UInt8], id: String, in destination: BackupDirectory) throws {
        let name = id + BackupDirectory.catalogSuffix
        let temporary = "\(BackupDirectory.temporaryPrefix)\(id).catalog.tmp"
        let file = try destination.directory.createFile(temporary, mode: 0o600)
        try file.write(compressed)
        try file.sync()
        try destination.directory.rename(temporary, to: name, in: destination.directory)
    }

    /// Removes temporary files of runs that died (the lock is held, so none is in progress).
    private func removeStaleTemporaries(_ destination: BackupDirectory) {
        guard let names = try? destination.directory.entries() else { return }
        for entry in names where entry.name.hasPrefix(BackupDirectory.temporaryPrefix) && entry.name.hasSuffix(".tmp") {
            _ = try? destination.directory.removeFile(entry.name)
        }
        // An archive renamed into place whose catalog was never written: a run that died at the very end.
        let catalogs = Set(names.map(\.name).filter { $0.hasSuffix(BackupDirectory.catalogSuffix) })
        for entry in names where ArchiveCodec.of(fileName: entry.name) != nil {
            guard let dash = entry.name.firstIndex(of: "-") else { continue }
            let id = String(entry.name[..<dash])
            let rest = entry.name[entry.name.index(after: dash)...]
            guard Self.parseID(id) != nil, rest.hasPrefix("full.tar.") || rest.hasPrefix("incr.tar.") else { continue }  // not ours
            if !catalogs.contains(id + BackupDirectory.catalogSuffix) {
                _ = try? destination.directory.removeFile(entry.name)
            }
        }
    }

    /// `YYYYMMDDTHHMMSSZ` of `now`, or one second after the newest existing id, so names sort in time order.
    static func makeID(now: Int64, taken: Set<String>) -> String {
        let compact = { (time: Int64) in Timestamp.formatRFC3339(time).filter { $0 != "-" && $0 != ":" } }
        let candidate = compact(now)
        guard let newest = taken.max(), newest >= candidate else { return candidate }
        guard let newestTime = parseID(newest) else { return compact(now) + "-later" }
        return compact(newestTime + 1_000_000_000)
    }

    /// The time of an id made by `makeID`.
    static func parseID(_ id: String) -> Int64? {
        let c = Array(id)
        guard c.count == 16, c[8] == "T", c[15] == "Z" else { return nil }
        let text = "\(String(c[0..<4]))-\(String(c[4..<6]))-\(String(c[6..<8]))T\(String(c[9..<11])):\(String(c[11..<13])):\(String(c[13..<15]))Z"
        return Timestamp.parseRFC3339(Array(text.utf8))
    }
}
