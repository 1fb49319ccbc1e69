/// Why the store could not be read or changed, with the path and what to do about it.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call on a path failed (permission denied, I/O error, not a directory, ...).
    case access(path: String, reason: String)
    /// The location holds no registry store.
    case notAStore(path: String)
    /// Another regkeeper run holds the store's lock.
    case locked(path: String)

    public var description: String {
        switch self {
        case .access(let path, let reason):
            return "\(path): \(reason)"
        case .notAStore(let path):
            return "\(path): no registry store here (expected a directory containing docker/registry/v2); "
                + "pass the registry's config.yml or its storage root (default /var/lib/registry)"
        case .locked(let path):
            return "\(path): another regkeeper run holds the lock on this store; wait for it to finish"
        }
    }
}
