/// A compression or decompression failure, with the library's own words.
public enum CompressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The library refused a setting or ran out of memory creating a context.
    case setup(String)
    /// Compressing failed.
    case compress(String)
    /// The compressed data is damaged: bad magic, checksum mismatch, corrupt block.
    case corrupt(String)
    /// The compressed data ends in the middle of a frame.
    case truncated

    public var description: String {
        switch self {
        case .setup(let why): return "compression setup failed: \(why)"
        case .compress(let why): return "compression failed: \(why)"
        case .corrupt(let why): return "compressed data is corrupt: \(why)"
        case .truncated: return "compressed data is truncated: it ends in the middle of a frame"
        }
    }
}

/// Receives output bytes as they are produced; valid only during the call.
public typealias ByteSink = (UnsafeRawBufferPointer) throws -> Void
