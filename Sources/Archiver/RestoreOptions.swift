/// What to restore, from where, into where.
public struct RestoreOptions: Sendable {
    /// The backup directory.
    public var from: String
    /// The backup id to restore (default: the newest).
    public var at: String?
    /// The directory that receives `NAME/...`.
    public var target: String
    /// `NAME` or `NAME/SUBPATH` selections; empty restores everything.
    public var selections: [String] = []
    /// Restore symlinks whose target lies outside their source (refused by default). Nothing is
    /// ever written through a symlink either way.
    public var allowExternalSymlinks = false

    public init(from: String, at: String?, target: String) {
        self.from = from
        self.at = at
        self.target = target
    }
}

/// What `restore` wrote.
public struct RestoreReport: Encodable, Sendable {
    public var id: String
    public var chain: [String]
    public var target: String
    public var files: Int
    public var bytes: Int64
    public var directories: Int
    public var symlinks: Int
    public var durationSeconds: Double
}
