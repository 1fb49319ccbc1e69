/// Why a tar stream could not be read.
public enum TarError: Error, Sendable, Equatable, CustomStringConvertible {
    case badChecksum(offset: Int64)
    case badHeader(offset: Int64, String)
    case unsupportedType(path: String, type: Character)
    case truncated
    case tooLarge(String)

    public var description: String {
        switch self {
        case .badChecksum(let offset): return "tar header at byte \(offset) has a bad checksum (damaged archive)"
        case .badHeader(let offset, let why): return "tar header at byte \(offset) is malformed: \(why)"
        case .unsupportedType(let path, let type): return "\(path): tar entry type '\(type)' (devices, fifos, hard links) is not accepted"
        case .truncated: return "the tar stream ends before its end-of-archive marker (truncated archive)"
        case .tooLarge(let what): return "\(what) is implausibly large (damaged or hostile archive)"
        }
    }
}
