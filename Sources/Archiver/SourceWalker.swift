import POSIXFilesystem

/// Lists a source tree through directory descriptors, never following symlinks, in name order.
struct SourceWalker {
    /// One object found: its path relative to the source root ("" for the root), status, symlink target.
    struct Item {
        let relative: String
        let status: FileStatus
        let target: String?
    }

    /// Walks `directory` (whose own path relative to the source is `relative`), skipping
    /// `exclude` (a relative path), and saying in `skipped` what was left out and why.
    /// A directory never descended into, by identity: the backup destination when it lies inside a source.
    struct Identity: Equatable {
        let device: UInt64
        let inode: UInt64
    }

    static func walk(_ directory: Directory, relative: String, exclude: String?, excludeDirectory: Identity? = nil,
                     into items: inout [Item], skipped: inout [String]) throws(BackupError) {
        let entries: [DirectoryEntry]
        do { entries = try directory.entries() } catch { throw BackupError.io(path: error.path, reason: error.reason) }
        for entry in entries.sorted(by: { $0.name < $1.name }) {
            let child = relative.isEmpty ? entry.name : relative + "/" + entry.name
            if child == exclude { continue }
            let status: FileStatus
            do {
                guard let s = try directory.status(of: entry.name) else { continue }  // vanished meanwhile
                status = s
            } catch {
                throw BackupError.io(path: error.path, reason: error.reason)
            }
            switch status.kind {
            case .regular:
                items.append(Item(relative: child, status: status, target: nil))
            case .symlink:
                do {
                    items.append(Item(relative: child, status: status, target: try directory.symlinkTarget(entry.name)))
                } catch {
                    throw BackupError.io(path: error.path, reason: error.reason)
                }
            case .directory:
                if let excludeDirectory, excludeDirectory == Identity(device: status.device, inode: status.inode) {
                    skipped.append(directory.path(of: entry.name) + ": the backup destination itself; not backed up")
                    continue
                }
                items.append(Item(relative: child, status: status, target: nil))
                let sub: Directory?
                do { sub = try directory.openDirectory(entry.name) } catch { throw BackupError.io(path: error.path, reason: error.reason) }
                guard let sub else { continue }
                try walk(sub, relative: child, exclude: exclude, excludeDirectory: excludeDirectory, into: &items, skipped: &skipped)
            case .other:
                skipped.append(directory.path(of: entry.name) + ": not a file, directory or symlink (a socket, FIFO or device); not backed up")
            }
        }
    }
}
