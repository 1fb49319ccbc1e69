/// Something found while reading the store: an error blocks every deletion, a warning does not.
public struct StoreProblem: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Whether the problem stops the sweep.
    public enum Severity: String, Sendable, Hashable { case error, warning }

    public let severity: Severity
    /// The store path (or `repository@digest`) the problem is about.
    public let path: String
    /// What is wrong and, where it helps, what to do.
    public let message: String

    public init(_ severity: Severity, path: String, _ message: String) {
        self.severity = severity
        self.path = path
        self.message = message
    }

    public static func error(_ path: String, _ message: String) -> StoreProblem { StoreProblem(.error, path: path, message) }
    public static func warning(_ path: String, _ message: String) -> StoreProblem { StoreProblem(.warning, path: path, message) }

    public var description: String { "\(severity.rawValue): \(path): \(message)" }
}
