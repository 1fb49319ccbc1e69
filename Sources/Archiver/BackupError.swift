/// Why a backup, restore or verification failed, with the path and what to do.
public enum BackupError: Error, Sendable, CustomStringConvertible {
    case io(path: String, reason: String)
    case locked(path: String)
    case badSource(String)
    case noBackups(path: String)
    case unknownBackup(id: String, path: String)
    case missingChainMember(id: String, needed: String)
    case damagedArchive(path: String, reason: String)
    case contentMismatch(path: String, expected: String, archive: String)
    case missingContent(path: String, archive: String)
    case unsafeEntry(path: String, reason: String)
    case targetNotEmpty(path: String)
    case changedWhileReading(path: String)
    case corruptWhenBackedUp(path: String, recorded: String)

    public var description: String {
        switch self {
        case .io(let path, let reason): return "\(path): \(reason)"
        case .locked(let path): return "\(path): another regkeeper backup or restore is using this backup directory; wait for it"
        case .badSource(let why): return why
        case .noBackups(let path): return "\(path): no backups here"
        case .unknownBackup(let id, let path): return "\(path): no backup '\(id)' (see 'regkeeper backups --from \(path)')"
        case .missingChainMember(let id, let needed):
            return "backup \(id) needs \(needed), which is missing or incomplete: the chain is broken, restore an earlier full backup or take a new full one"
        case .damagedArchive(let path, let reason): return "\(path): damaged archive: \(reason)"
        case .contentMismatch(let path, let expected, let archive):
            return "\(path): content in archive \(archive) does not match sha256 \(expected) (damaged archive)"
        case .missingContent(let path, let archive): return "\(path): not found in archive \(archive) (damaged or truncated archive)"
        case .unsafeEntry(let path, let reason):
            return "refusing entry '\(path)': \(reason)"
                + (reason.contains("symlink") && reason.contains("outside") ? " (pass --allow-external-symlinks to restore such links as they are)" : "")
        case .targetNotEmpty(let path): return "\(path) exists and is not empty: restore into a new directory, or move it away first"
        case .changedWhileReading(let path): return "\(path) kept changing while it was read"
        case .corruptWhenBackedUp(let path, let recorded):
            return "\(path): this blob was already corrupt in the store when it was backed up (its content hashes to \(recorded), "
                + "not to the digest in its name); restore the other paths with NAME/SUBPATH selections, or use an older backup"
        }
    }
}
