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
        let entries = try posix { () throws(POSIXError) in try directory.entries() }
        for entry in entries.sorted(by: { $0.name < $1.name }) {
            let child = relative.isEmpty ? entry.name : relative + "/" + entry.name
            if child == exclude { continue }
            // nil: vanished meanwhile.
            guard let status = try posix({ () throws(POSIXError) in try directory.status(of: entry.name) }) else { continue }
            switch status.kind {
            case .regular:
                items.append(Item(relative: child, status: status, target: nil))
            case .symlink:
                let target = try posix { () throws(POSIXError) in try directory.symlinkTarget(entry.name) }
                items.append(Item(relative: child, status: status, target: target))
            case .directory:
                if let excludeDirectory, excludeDirectory == Identity(device: status.device, inode: status.inode) {
                    skipped.append(directory.path(of: entry.name) + ": the backup destination itself; not backed up")
                    continue
                }
                items.append(Item(relative: child, status: status, target: nil))
                guard let sub = try posix({ () throws(POSIXError) in try directory.openDirectory(entry.name) }) else { continue }
                try walk(sub, relative: child, exclude: exclude, excludeDirectory: excludeDirectory, into: &items, skipped: &skipped)
            case .other:
                skipped.append(directory.path(of: entry.name) + ": not a file, directory or symlink (a socket, FIFO or device); not backed up")
            }
        }
    }
}
