/// Reads a store's metadata through a backend: repositories (at any nesting depth) and blobs.
///
/// The scanner never changes the store. Anything it cannot read or understand becomes a
/// `StoreProblem`; errors among them mean the metadata is incomplete and nothing may be swept.
public struct StoreScanner<Backend: StoreBackend>: Sendable {
    public let backend: Backend
    public let jobs: Int

    public init(backend: Backend, jobs: Int) {
        self.backend = backend
        self.jobs = max(1, jobs)
    }

    /// Scans repositories and blobs. Throws only when the store root itself is unusable.
    public func scan(now: Int64) throws(StoreError) -> StoreInventory {
        guard let root = try backend.registryRoot() else { return StoreInventory(repositories: [], blobs: [:], problems: [], startedAt: now) }
        let (repositories, repositoryProblems) = scanRepositories(root: root)
        let (blobs, blobProblems) = scanBlobs(root: root)
        return StoreInventory(repositories: repositories, blobs: blobs,
                              problems: repositoryProblems + blobProblems, startedAt: now)
    }

    // MARK: Repositories

    /// Finds every repository below `repositories/` and reads each one in parallel.
    public func scanRepositories(root: Backend.Directory) -> ([RepositoryRecord], [StoreProblem]) {
        var problems: [StoreProblem] = []
        let top: Backend.Directory?
        do {
            top = try backend.openDirectory(StoreLayout.repositoriesDirectory, in: root)
        } catch {
            return ([], [failure(error, at: backend.displayPath(root, StoreLayout.repositoriesDirectory))])
        }
        guard let top else { return ([], []) }
        var found: [FoundRepository] = []
        discover(top, name: "", into: &found, problems: &problems)
        let scanned = Parallel.map(found, jobs: jobs) { item in
            var local: [StoreProblem] = []
            var record = scanRepository(name: item.name, directory: item.directory, entries: item.entries, problems: &local)
            record.nestedRepositories = item.nested
            return (record, local)
        }
        var records: [RepositoryRecord] = []
        records.reserveCapacity(scanned.count)
        for (record, local) in scanned {
            records.append(record)
            problems += local
        }
        return (records, problems)
    }

    private struct FoundRepository: Sendable {
        let name: String
        let directory: Backend.Directory
        let entries: [StoreEntry]
        let nested: [String]
    }

    /// Walks the repositories tree depth first; a directory is a repository when it holds a marker.
    /// Returns whether any repository was found at or below `directory`.
    @discardableResult
    private func discover(_ directory: Backend.Directory, name: String,
                          into found: inout [FoundRepository],
                          problems: inout [StoreProblem]) -> Bool {
        let entries: [StoreEntry]
        do {
            entries = try backend.entries(of: directory)
        } catch {
            problems.append(failure(error, at: backend.displayPath(directory, nil)))
            return false
        }
        let isRepository = !name.isEmpty
            && entries.contains { $0.kind == .directory && StoreLayout.isRepositoryMarker($0.name) }
        var nested: [String] = []
        for entry in entries.sorted(by: { $0.name < $1.name }) {
            let path = backend.displayPath(directory, entry.name)
            if entry.name.hasPrefix("_") {
                if !(isRepository && StoreLayout.isRepositoryMarker(entry.name) && entry.kind == .directory) {
                    problems.append(.warning(path, "unexpected entry in the repositories tree; left alone", .stray))
                }
                continue
            }
            switch entry.kind {
            case .directory:
                let childName = name.isEmpty ? entry.name : name + "/" + entry.name
                do {
                    guard let child = try backend.openDirectory(entry.name, in: directory) else { continue }
                    if discover(child, name: childName, into: &found, problems: &problems) { nested.append(childName) }
                } catch {
                    problems.append(failure(error, at: path))
                }
            case .symlink:
                problems.append(.warning(path, "symlink in the repositories tree; not followed, left alone", .stray))
            default:
                problems.append(.warning(path, "unexpected file in the repositories tree; left alone", .stray))
            }
        }
        if isRepository {
            found.append(FoundRepository(name: name, directory: directory, entries: entries, nested: nested))
        }
        return isRepository || !nested.isEmpty
    }

    private func scanRepository(name: String, directory: Backend.Directory, entries: [StoreEntry],
                                problems: inout [StoreProblem]) -> RepositoryRecord {
        var record = RepositoryRecord(name: name)
        let has = { (marker: String) in entries.contains { $0.name == marker && $0.kind == .directory } }
        record.hasManifestsDirectory = has(StoreLayout.manifestsMarker)
        record.hasLayersDirectory = has(StoreLayout.layersMarker)
        record.hasUploadsDirectory = has(StoreLayout.uploadsMarker)
        if record.hasManifestsDirectory {
            record.revisions = scanLinkDirectories(
                "\(StoreLayout.manifestsMarker)/revisions", in: directory, problems: &problems)
            record.tags = scanTags(in: directory, problems: &problems)
        }
        if record.hasLayersDirectory {
            record.layerLinks = scanLinkDirectories(StoreLayout.layersMarker, in: directory, problems: &problems)
        }
        if record.hasUploadsDirectory {
            record.uploads = scanUploads(in: directory, problems: &problems)
        }
        return record
    }

    /// Reads `<base>/sha256/<hex>/link` entries (revisions, layer links, tag index).
    private func scanLinkDirectories(_ base: String, in parent: Backend.Directory,
                                     problems: inout [StoreProblem]) -> [LinkRecord] {
        let baseDirectory: Backend.Directory
        do {
            guard let opened = try backend.openDirectory(base, in: parent) else { return [] }
            baseDirectory = opened
            for entry in try backend.entries(of: opened) where entry.name != StoreLayout.digestAlgorithm {
                problems.append(.warning(backend.displayPath(opened, entry.name),
                                         "unexpected entry (only sha256 digests are supported); left alone", .stray))
            }
        } catch {
            problems.append(failure(error, at: backend.displayPath(parent, base)))
            return []
        }
        let algorithmDirectory: Backend.Directory
        let names: [StoreEntry]
        do {
            guard let opened = try backend.openDirectory(StoreLayout.digestAlgorithm, in: baseDirectory) else { return [] }
            algorithmDirectory = opened
            names = try backend.entries(of: opened)
        } catch {
            problems.append(failure(error, at: backend.displayPath(baseDirectory, StoreLayout.digestAlgorithm)))
            return []
        }
        var records: [LinkRecord] = []
        records.reserveCapacity(names.count)
        for entry in names {
            var path: String { backend.displayPath(algorithmDirectory, entry.name) }
            guard entry.kind == .directory else {
                problems.append(.warning(path, entry.kind == .symlink
                    ? "symlink where a digest directory belongs; not followed, left alone"
                    : "unexpected file where a digest directory belongs; left alone", .stray))
                continue
            }
            guard let digest = Digest(hex: entry.name) else {
                problems.append(.warning(path, "directory name is not a sha256 hex digest; left alone", .stray))
                continue
            }
            if let record = readLinkDirectory(entry.name, digest: digest, in: algorithmDirectory, problems: &problems) {
                records.append(record)
            }
        }
        return records
    }

    /// Reads `<hex>/link` and checks it names the same digest as its directory.
    private func readLinkDirectory(_ name: String, digest: Digest, in parent: Backend.Directory,
                                   problems: inout [StoreProblem]) -> LinkRecord? {
        let linkPath = name + "/" + StoreLayout.linkFile
        var display: String { backend.displayPath(parent, linkPath) }
        do {
            if let file = try backend.read(linkPath, in: parent, limit: 4096) {
                switch LinkFile.parse(file.bytes) {
                case .success(let target) where target == digest:
                    return LinkRecord(digest: digest, isLinked: true, modified: file.info.modified, hasOtherEntries: false)
                case .success(let target):
                    problems.append(.error(display, "link holds \(target) but its directory is named \(digest.hex); "
                        + "the registry would serve the wrong content: fix or remove it by hand", .badLink))
                case .failure(let defect):
                    problems.append(.error(display, "\(defect); repair it (write \(digest) into it) or remove it by hand", .badLink))
                }
                return nil
            }
            // No link: an empty directory (a deleted manifest) or a write in progress.
            guard let directory = try backend.openDirectory(name, in: parent),
                  let info = try backend.info(name, in: parent) else { return nil }
            let others = try backend.entries(of: directory)
            for other in others {
                problems.append(.warning(backend.displayPath(directory, other.name),
                                         "stray entry beside a missing link (an interrupted write?); left alone", .stray))
            }
            return LinkRecord(digest: digest, isLinked: false, modified: info.modified, hasOtherEntries: !others.isEmpty)
        } catch {
            problems.append(failure(error, at: display))
            return nil
        }
    }

    private func scanTags(in repository: Backend.Directory, problems: inout [StoreProblem]) -> [TagRecord] {
        let tagsPath = "\(StoreLayout.manifestsMarker)/tags"
        let tagsDirectory: Backend.Directory
        let entries: [StoreEntry]
        do {
            guard let opened = try backend.openDirectory(tagsPath, in: repository) else { return [] }
            tagsDirectory = opened
            entries = try backend.entries(of: opened)
        } catch {
            problems.append(failure(error, at: backend.displayPath(repository, tagsPath)))
            return []
        }
        var tags: [TagRecord] = []
        for entry in entries {
            let path = backend.displayPath(tagsDirectory, entry.name)
            guard entry.kind == .directory else {
                problems.append(.warning(path, "unexpected non-directory in tags; left alone", .stray))
                continue
            }
            do {
                guard let tagDirectory = try backend.openDirectory(entry.name, in: tagsDirectory) else { continue }
                var current: Digest?
                var currentModified: Int64?
                let currentPath = "current/" + StoreLayout.linkFile
                if let file = try backend.read(currentPath, in: tagDirectory, limit: 4096) {
                    switch LinkFile.parse(file.bytes) {
                    case .success(let digest):
                        current = digest
                        currentModified = file.info.modified
                    case .failure(let defect):
                        problems.append(.error(backend.displayPath(tagDirectory, currentPath),
                                               "\(defect); the tag cannot be resolved: repair or remove the tag by hand", .badLink))
                    }
                } else {
                    problems.append(.warning(backend.displayPath(tagDirectory, currentPath),
                                             "tag has no current link; it does not resolve", .unreadable))
                }
                let index = scanLinkDirectories("index", in: tagDirectory, problems: &problems)
                tags.append(TagRecord(name: entry.name, current: current, currentModified: currentModified, index: index))
            } catch {
                problems.append(failure(error, at: path))
            }
        }
        return tags
    }

    private func scanUploads(in repository: Backend.Directory, problems: inout [StoreProblem]) -> [UploadRecord] {
        let uploadsDirectory: Backend.Directory
        let entries: [StoreEntry]
        do {
            guard let opened = try backend.openDirectory(StoreLayout.uploadsMarker, in: repository) else { return [] }
            uploadsDirectory = opened
            entries = try backend.entries(of: opened)
        } catch {
            problems.append(failure(error, at: backend.displayPath(repository, StoreLayout.uploadsMarker), .warning))
            return []
        }
        var uploads: [UploadRecord] = []
        for entry in entries {
            let path = backend.displayPath(uploadsDirectory, entry.name)
            guard entry.kind == .directory else {
                problems.append(.warning(path, "unexpected non-directory in _uploads; left alone", .stray))
                continue
            }
            do {
                guard let directory = try backend.info(entry.name, in: uploadsDirectory) else { continue }
                var startedAt: Int64?
                var modified = directory.modified
                if let file = try backend.read(entry.name + "/" + StoreLayout.startedAtFile, in: uploadsDirectory, limit: 256) {
                    startedAt = Timestamp.parseRFC3339(file.bytes)
                    modified = max(modified, file.info.modified)
                    if startedAt == nil {
                        problems.append(.warning(path + "/" + StoreLayout.startedAtFile,
                                                 "unreadable upload start time; the session's mtime is used", .unreadable))
                    }
                }
                var size: Int64 = 0
                if let data = try backend.info(entry.name + "/" + StoreLayout.dataFile, in: uploadsDirectory) {
                    size = data.size
                    modified = max(modified, data.modified)
                }
                uploads.append(UploadRecord(id: entry.name, startedAt: startedAt, modified: modified, size: size))
            } catch {
                problems.append(failure(error, at: path, .warning))
            }
        }
        return uploads
    }

    // MARK: Blobs

    /// Stats every `blobs/sha256/<xx>/<hex>/data` in parallel over the fan-out directories.
    public func scanBlobs(root: Backend.Directory) -> ([Digest: BlobRecord], [StoreProblem]) {
        var problems: [StoreProblem] = []
        let algorithmDirectory: Backend.Directory
        let prefixes: [StoreEntry]
        do {
            guard let blobs = try backend.openDirectory(StoreLayout.blobsDirectory, in: root) else { return ([:], []) }
            for entry in try backend.entries(of: blobs) where entry.name != StoreLayout.digestAlgorithm {
                problems.append(.warning(backend.displayPath(blobs, entry.name),
                                         "unexpected entry (only sha256 blobs are supported); left alone", .stray))
            }
            guard let opened = try backend.openDirectory(StoreLayout.digestAlgorithm, in: blobs) else { return ([:], problems) }
            algorithmDirectory = opened
            prefixes = try backend.entries(of: opened)
        } catch {
            return ([:], problems + [failure(error, at: backend.displayPath(root, StoreLayout.blobAlgorithmDirectory))])
        }
        let shards = Parallel.map(prefixes, jobs: jobs) { prefix in
            var local: [StoreProblem] = []
            let records = scanPrefix(prefix, in: algorithmDirectory, problems: &local)
            return (records, local)
        }
        var blobs: [Digest: BlobRecord] = [:]
        blobs.reserveCapacity(shards.reduce(0) { $0 + $1.0.count })
        for (records, local) in shards {
            for record in records { blobs[record.digest] = record }
            problems += local
        }
        return (blobs, problems)
    }

    private func scanPrefix(_ prefix: StoreEntry, in parent: Backend.Directory,
                            problems: inout [StoreProblem]) -> [BlobRecord] {
        let path = backend.displayPath(parent, prefix.name)
        guard prefix.kind == .directory, prefix.name.utf8.count == 2,
              prefix.name.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            problems.append(.warning(path, "not a blob fan-out directory; left alone", .stray))
            return []
        }
        let directory: Backend.Directory
        let entries: [StoreEntry]
        do {
            guard let opened = try backend.openDirectory(prefix.name, in: parent) else { return [] }
            directory = opened
            entries = try backend.entries(of: opened)
        } catch {
            problems.append(failure(error, at: path))
            return []
        }
        var records: [BlobRecord] = []
        records.reserveCapacity(entries.count)
        for entry in entries {
            var entryPath: String { backend.displayPath(directory, entry.name) }
            guard entry.kind == .directory, let digest = Digest(hex: entry.name), entry.name.hasPrefix(prefix.name) else {
                problems.append(.warning(entryPath, "not a blob directory (sha256 hex under its two-character prefix); left alone", .stray))
                continue
            }
            do {
                if let data = try backend.info(entry.name + "/" + StoreLayout.dataFile, in: directory) {
                    guard data.kind == .file else {
                        problems.append(.warning(entryPath + "/" + StoreLayout.dataFile, "blob data is not a regular file; left alone", .stray))
                        continue
                    }
                    records.append(BlobRecord(digest: digest, size: data.size, modified: data.modified))
                } else if let info = try backend.info(entry.name, in: directory) {
                    records.append(BlobRecord(digest: digest, size: nil, modified: info.modified))
                }
            } catch {
                problems.append(failure(error, at: entryPath))
            }
        }
        return records
    }
}

/// A problem for a failed store access, named by the path the failure was really about.
func failure(_ error: StoreError, at fallback: String, _ severity: StoreProblem.Severity = .error) -> StoreProblem {
    switch error {
    case .access(let path, let reason): return StoreProblem(severity, path: path, reason, category: .unreadable)
    default: return StoreProblem(severity, path: fallback, error.description, category: .unreadable)
    }
}

extension StoreError {
    /// The message without the path, for problems that carry the path separately.
    public var reason: String {
        switch self {
        case .access(_, let reason): return reason
        default: return description
        }
    }
}
