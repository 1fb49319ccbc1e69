@preconcurrency import Glibc

/// A failed system call, with the path it was about and the errno it returned.
public struct POSIXError: Error, Sendable, CustomStringConvertible {
    /// The call that failed, e.g. `open` or `unlink`.
    public let operation: String
    /// The path the call was about, as a person would type it.
    public let path: String
    /// The raw errno.
    public let code: Int32

    public init(_ operation: String, path: String, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// True when the path does not exist.
    public var isNotFound: Bool { code == ENOENT }

    /// The system's text for the errno, e.g. "Permission denied".
    public var reason: String { String(cString: strerror(code)) }

    public var description: String { "\(operation) \(path): \(reason)" }
}
