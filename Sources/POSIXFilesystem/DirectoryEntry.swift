/// One name read from a directory, with the type `readdir` reported (`nil` when it did not know).
public struct DirectoryEntry: Sendable, Equatable {
    public let name: String
    public let kind: FileKind?

    public init(name: String, kind: FileKind?) {
        self.name = name
        self.kind = kind
    }
}
