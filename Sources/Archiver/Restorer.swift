import Hashing
import POSIXFilesystem
import RegistryStore

/// Restores a backup chain into a directory: everything is written and verified in a staging
/// directory beside the target, then renamed into place, so a damaged archive fails the
/// restore before the target is touched.
public struct Restorer {
    public let options: RestoreOptions

    public init(options: RestoreOptions) { self.options = options }

    /// Files up to this size are collected whole and verified and written by parallel workers.
    static let wholeFileLimit: Int64 = 16 << 20

    public func run(clock: () -> Int64, progress: (WorkProgress) -> Void = { _ in }) throws(BackupError) -> RestoreReport {
        let started = clock()
        let source = try BackupDirectory(path: options.from, create: false)
        let lock = try source.lock(shared: true)
        defer { withExtendedLifetime(lock) {} }
        let chain = try source.chain(to: options.at)
        let final = try source.catalog(id: chain.last!.id)
        let roots = Set(final.header.sources.map(\.name))
        let chainIDs = Set(chain.map(\.id))

        // Choose and check every entry before writing anything.
        let wanted = try select(final.entries, roots: roots)
        var files: [String: CatalogEntry] = [:]
        for entry in wanted {
            try EntryPolicy.checkPath(entry.path, roots: roots)
            switch entry.type {
            case "f":
                guard let digest = entry.sha256, Digest(hex: digest) != nil, let archive = entry.archive, chainIDs.contains(archive) else {
                    throw BackupError.damagedArchive(path: source.directory.path(of: final.header.id + BackupDirectory.catalogSuffix),
                                                     reason: "\(entry.path) has no usable content record")
                }
                if let hex = BackupWriter.blobHex(entry.path.split(separator: "/", maxSplits: 1).dropFirst().joined()),
                   hex != digest {
                    throw BackupError.corruptWhenBackedUp(path: entry.path, recorded: digest)
                }
                files[entry.path] = entry
            case "l":
                if !options.allowExternalSymlinks { try EntryPolicy.checkSymlink(entry.path, target: entry.target ?? "") }
            case "d": break
            default: throw BackupError.unsafeEntry(path: entry.path, reason: "unknown type '\(entry.type)'")
            }
        }
        let topNames = Set(wanted.map { String($0.path.split(separator: "/")[0]) })

        // The target: created if missing; each NAME inside must be absent or empty.
        let target: Directory
        do {
            try Directory.makeDirectories(options.target, mode: 0o755)
            target = try Directory.open(options.target)
            for name in topNames {
                if let existing = try target.status(of: name) {
                    guard existing.kind == .directory, let directory = try target.openDirectory(name), try directory.entries().isEmpty else {
                        throw BackupError.targetNotEmpty(path: target.path(of: name))
                    }
                }
            }
        } catch let error as POSIXError {
            throw BackupError.io(path: error.path, reason: error.reason)
        } catch let error as BackupError {
            throw error
        } catch {
            throw BackupError.io(path: options.target, reason: "\(error)")
        }

        let stagingName = ".regkeeper-restore-\(final.header.id)-\(started)"
        var succeeded = false
        defer { if !succeeded { _ = try? target.removeTree(stagingName) } }
        var report = RestoreReport(id: final.header.id, chain: chain.map(\.id), target: options.target, files: 0, bytes: 0,
                                   directories: 0, symlinks: 0, durationSeconds: 0)
        do {
            try target.createDirectory(stagingName, mode: 0o700)
            guard let staging = try target.openDirectory(stagingName) else { throw BackupError.io(path: target.path(of: stagingName), reason: "vanished") }
            let asRoot = POSIXProcess.isRoot

            // Directories (parents first; the selection's ancestors too), private until the end.
            for entry in wanted where entry.isDirectory {
                try makeParents(of: entry.path + "/x", in: staging)
            }
            for path in Set(wanted.map(\.path)) {
                try makeParents(of: path, in: staging)
            }

            // File contents, archive by archive, oldest first; each verified against its digest.
            // Files up to `wholeFileLimit` are hashed and written by parallel workers; larger ones
            // are streamed to disk here while being hashed.
            let writer = VerifiedFileWriter(jobs: POSIXProcess.processorCount, setOwner: asRoot)
            let hasher = SHA256()
            let totalBytes = files.values.reduce(Int64(0)) { $0 + $1.size }
            var seenFiles = 0
            var seenBytes: Int64 = 0
            for member in chain where files.values.contains(where: { $0.archive == member.id }) {
                let reader = try source.openArchive(member)
                var whole: (entry: CatalogEntry, directory: Directory, name: String, content: [UInt8])?
                var streamed: (entry: CatalogEntry, file: FileDescriptor, directory: Directory, temporary: String)?
                do {
                    try reader.readTar { event in
                        switch event {
                        case .entry(let tarEntry):
                            try EntryPolicy.checkPath(tarEntry.path, roots: roots)
                            guard tarEntry.kind == .file, let entry = files[tarEntry.path], entry.archive == member.id,
                                  !writer.isDone(tarEntry.path), tarEntry.size == entry.size else { return }
                            let (parent, name) = split(tarEntry.path)
                            guard let directory = try staging.openDirectory(parent) else { return }
                            if entry.size <= Self.wholeFileLimit {
                                var content: [UInt8] = []
                                content.reserveCapacity(Int(entry.size))
                                whole = (entry, directory, name, content)
                            } else {
                                let temporary = ".\(name).part"
                                _ = try? directory.removeFile(temporary)
                                streamed = (entry, try directory.createFile(temporary, mode: 0o600), directory, temporary)
                                hasher.reset()
                            }
                        case .data(let bytes):
                            if whole != nil {
                                whole!.content.append(contentsOf: bytes)
                            } else if let open = streamed {
                                hasher.update(bytes)
                                try open.file.write(bytes)
                            }
                        case .endOfEntry:
                            if let entry = whole?.entry ?? streamed?.entry {
                                seenFiles += 1
                                seenBytes += entry.size
                                progress(WorkProgress(phase: "restoring from \(member.id)", files: seenFiles, bytes: seenBytes, totalBytes: totalBytes,
                                                      item: "restore \(entry.path) (\(entry.size) bytes)"))
                            }
                            if let file = whole {
                                whole = nil
                                writer.submit(file.entry, content: file.content, into: file.directory, name: file.name)
                            } else if let open = streamed {
                                streamed = nil
                                guard Digest(bytes: hasher.finalize())!.hex == open.entry.sha256 else {
                                    // A copy that changed while it was read; a later copy may be the good one.
                                    try open.directory.removeFile(open.temporary)
                                    return
                                }
                                try writer.finish(open.file, open.entry)
                                try open.directory.rename(open.temporary, to: split(open.entry.path).1, in: open.directory)
                                writer.recordDone(open.entry)
                            }
                        }
                    }
                    let totals = try writer.drain()
                    report.files = totals.files
                    report.bytes = totals.bytes
                } catch let error as BackupError {
                    _ = try? writer.drain()
                    throw error
                } catch let error as POSIXError {
                    _ = try? writer.drain()
                    throw BackupError.io(path: error.path, reason: error.reason)
                } catch {
                    _ = try? writer.drain()
                    throw BackupError.damagedArchive(path: reader.file.path, reason: "\(error)")
                }
            }
            if let missing = files.values.filter({ !writer.isDone($0.path) }).min(by: { $0.path < $1.path }) {
                throw BackupError.missingContent(path: missing.path, archive: missing.archive ?? "?")
            }

            // Symlinks, then directory metadata deepest first (creating files touched their mtimes).
            for entry in wanted where entry.isSymlink {
                let (parent, name) = split(entry.path)
                guard let directory = try staging.openDirectory(parent) else { continue }
                try directory.createSymlink(name, target: entry.target ?? "")
                if asRoot { try directory.setOwner(name, uid: entry.uid, gid: entry.gid) }
                try directory.setModified(name, entry.mtime)
                report.symlinks += 1
            }
            for entry in wanted.filter(\.isDirectory).sorted(by: { $0.path.count > $1.path.count }) {
                if asRoot { try staging.setOwner(entry.path, uid: entry.uid, gid: entry.gid) }
                try staging.setMode(entry.path, entry.mode)
                try staging.setModified(entry.path, entry.mtime)
                report.directories += 1
            }

            // Into place.
            for name in topNames.sorted() {
                _ = try target.removeEmptyDirectory(name)
                try staging.rename(name, to: name, in: target)
            }
            try target.removeEmptyDirectory(stagingName)
            try target.sync()
            succeeded = true
        } catch let error as BackupError {
            throw error
        } catch let error as POSIXError {
            throw BackupError.io(path: error.path, reason: error.reason)
        } catch {
            throw BackupError.io(path: options.target, reason: "\(error)")
        }
        report.durationSeconds = Double(clock() - started) / 1e9
        return report
    }

    /// The catalog entries the selections ask for (all when none), plus the directories above them.
    private func select(_ entries: [CatalogEntry], roots: Set<String>) throws(BackupError) -> [CatalogEntry] {
        guard !options.selections.isEmpty else { return entries }
        var chosen: [CatalogEntry] = []
        var ancestors = Set<String>()
        for selection in options.selections {
            let trimmed = selection.hasSuffix("/") ? String(selection.dropLast()) : selection
            try EntryPolicy.checkPath(trimmed, roots: roots)
            let matches = entries.filter { $0.path == trimmed || $0.path.hasPrefix(trimmed + "/") }
            guard !matches.isEmpty else { throw BackupError.badSource("\(selection): not in this backup") }
            chosen += matches
            var parts = trimmed.split(separator: "/").dropLast()
            while !parts.isEmpty {
                ancestors.insert(parts.joined(separator: "/"))
                parts = parts.dropLast()
            }
        }
        let byPath = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        chosen += ancestors.compactMap { byPath[$0] }
        return Array(Dictionary(chosen.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a }).values).sorted { $0.path < $1.path }
    }

    private func makeParents(of path: String, in staging: Directory) throws {
        var current = staging
        for component in path.split(separator: "/").dropLast() {
            let name = String(component)
            try current.createDirectory(name, mode: 0o700)
            guard let next = try current.openDirectory(name) else { throw BackupError.io(path: current.path(of: name), reason: "vanished") }
            current = next
        }
    }

    private func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }
}
