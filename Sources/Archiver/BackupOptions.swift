/// What to back up, where to, and how.
public struct BackupOptions: Sendable {
    /// A named source directory, e.g. `registry=/var/lib/registry`.
    public struct Source: Sendable, Equatable {
        public let name: String
        public let path: String

        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }

        /// Parses `NAME=PATH`; the name is one path component of letters, digits, `-`, `_`, `.`.
        public init?(argument: String) {
            guard let equals = argument.firstIndex(of: "=") else { return nil }
            let name = String(argument[..<equals])
            let path = String(argument[argument.index(after: equals)...])
            guard !name.isEmpty, !path.isEmpty, name != ".", name != "..",
                  name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else { return nil }
            self.init(name: name, path: path)
        }
    }

    public var destination: String
    public var sources: [Source]
    /// Write a full backup even if earlier ones exist.
    public var full = false
    public var codec: ArchiveCodec = .zstd(level: 3)
    /// Leave out registry blobs no manifest references (what `gc` would delete).
    public var skipUnreferenced = false
    /// zstd worker threads.
    public var workers: Int32 = 2

    public init(destination: String, sources: [Source]) {
        self.destination = destination
        self.sources = sources
    }
}
