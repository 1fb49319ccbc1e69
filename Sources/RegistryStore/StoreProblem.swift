/// Something found while reading the store: an error blocks every deletion, a warning does not.
public struct StoreProblem: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Whether the problem stops the sweep.
    public enum Severity: String, Sendable, Hashable { case error, warning }

    /// What kind of thing is wrong, so tools can sort problems without reading messages.
    public enum Category: String, Sendable, Hashable {
        /// An empty, garbage or mismatched link file.
        case badLink
        /// An entry the layout does not explain, left alone.
        case stray
        /// Something that could not be read (permissions, I/O, an unreadable time stamp).
        case unreadable
        /// Anything else (manifests, missing blobs, ...).
        case other
    }

    public let severity: Severity
    public let category: Category
    /// The store path (or `repository@digest`) the problem is about.
    public let path: String
    /// What is wrong and, where it helps, what to do.
    public let message: String

    public init(_ severity: Severity, path: String, _ message: String, category: Category = .other) {
        self.severity = severity
        self.category = category
        self.path = path
        self.message = message
    }

    public static func error(_ path: String, _ message: String, _ category: Category = .other) -> StoreProblem {
        StoreProblem(.error, path: path, message, category: category)
    }
    public static func warning(_ path: String, _ message: String, _ category: Category = .other) -> StoreProblem {
        StoreProblem(.warning, path: path, message, category: category)
    }

    public var description: String { "\(severity.rawValue): \(path): \(message)" }
}
