/// Access to the objects of one registry store, by paths relative to `docker/registry/v2`.
///
/// The scanner and the collector only speak this protocol, so the filesystem driver's layout
/// logic is shared with any other backend (an S3-compatible bucket uses the same keys).
/// Implementations never follow symlinks and never reach outside the store root.
public protocol StoreBackend: Sendable {
    /// A handle on a directory (a file descriptor for the filesystem, a key prefix for S3).
    associatedtype Directory: Sendable

    /// The store root as a person would name it (a path or a bucket URL), for messages.
    var location: String { get }

    /// The `docker/registry/v2` directory, or `nil` if the store holds none yet.
    func registryRoot() throws(StoreError) -> Directory?

    /// A path for messages: `name` inside `directory`, or the directory itself when `name` is nil.
    func displayPath(_ directory: Directory, _ name: String?) -> String

    /// Opens a directory below `parent` (a relative path of one or more components); `nil` if absent.
    func openDirectory(_ relativePath: String, in parent: Directory) throws(StoreError) -> Directory?

    /// The entries of a directory, without `.` and `..`.
    func entries(of directory: Directory) throws(StoreError) -> [StoreEntry]

    /// Size, type and modification time of an object below `parent`; `nil` if absent.
    func info(_ relativePath: String, in parent: Directory) throws(StoreError) -> StoreFileInfo?

    /// Reads at most `limit` bytes of a regular file below `parent`; `nil` if absent.
    func read(_ relativePath: String, in parent: Directory, limit: Int) throws(StoreError) -> StoreFile?

    /// Streams a regular file below `parent` in chunks to `body`; `false` if it is absent.
    func readStream(_ relativePath: String, in parent: Directory,
                    _ body: (UnsafeRawBufferPointer) -> Void) throws(StoreError) -> Bool

    /// Replaces (or creates) a small file atomically: written beside it, then renamed over it.
    func replaceFile(_ relativePath: String, with bytes: [UInt8], in parent: Directory) throws(StoreError)

    /// Removes a file (or a symlink itself); `false` if it was already gone.
    func removeFile(_ relativePath: String, in parent: Directory) throws(StoreError) -> Bool

    /// Removes a directory only if it is empty; `false` if it is gone or not empty.
    func removeEmptyDirectory(_ relativePath: String, in parent: Directory) throws(StoreError) -> Bool
}

/// The type of a store object; symlinks are reported as such and never followed.
public enum StoreEntryKind: Sendable, Equatable {
    case file, directory, symlink, other, unknown
}

/// One name in a store directory.
public struct StoreEntry: Sendable, Equatable {
    public let name: String
    public let kind: StoreEntryKind

    public init(name: String, kind: StoreEntryKind) {
        self.name = name
        self.kind = kind
    }
}

/// Size, type and modification time (nanoseconds since the epoch) of a store object.
public struct StoreFileInfo: Sendable, Equatable {
    public let kind: StoreEntryKind
    public let size: Int64
    public let modified: Int64

    public init(kind: StoreEntryKind, size: Int64, modified: Int64) {
        self.kind = kind
        self.size = size
        self.modified = modified
    }
}

/// The bytes of a file (at most the requested limit) and its info at the time of reading.
public struct StoreFile: Sendable {
    public let bytes: [UInt8]
    public let info: StoreFileInfo

    public init(bytes: [UInt8], info: StoreFileInfo) {
        self.bytes = bytes
        self.info = info
    }
}

extension StoreBackend {
    /// Removes a whole directory tree below `parent`, depth first, never following symlinks.
    /// Returns the number of files removed.
    public func removeTree(_ relativePath: String, in parent: Directory) throws(StoreError) -> Int {
        guard let directory = try openDirectory(relativePath, in: parent) else { return 0 }
        var removed = 0
        for entry in try entries(of: directory) {
            if entry.kind == .directory {
                removed += try removeTree(entry.name, in: directory)
            } else if try removeFile(entry.name, in: directory) {
                removed += 1
            }
        }
        _ = try removeEmptyDirectory(relativePath, in: parent)
        return removed
    }
}
