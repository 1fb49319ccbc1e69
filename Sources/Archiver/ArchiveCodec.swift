/// How an archive is compressed: zstd at a level (multi-threaded, checksummed) or LZ4 frames.
public enum ArchiveCodec: Sendable, Equatable, CustomStringConvertible {
    case zstd(level: Int32)
    case lz4

    /// Parses `zstd`, `zstd:LEVEL` (1–19) or `lz4`.
    public init?(_ text: String) {
        let lower = text.lowercased()
        if lower == "zstd" { self = .zstd(level: 3); return }
        if lower == "lz4" { self = .lz4; return }
        if lower.hasPrefix("zstd:"), let level = Int32(lower.dropFirst(5)), (1...19).contains(level) {
            self = .zstd(level: level)
            return
        }
        return nil
    }

    /// `zstd:3` or `lz4`, as recorded in catalogs.
    public var description: String {
        switch self {
        case .zstd(let level): return "zstd:\(level)"
        case .lz4: return "lz4"
        }
    }

    /// The archive file extension: `tar.zst` or `tar.lz4`.
    public var fileExtension: String {
        switch self {
        case .zstd: return "tar.zst"
        case .lz4: return "tar.lz4"
        }
    }

    /// The codec of an archive file by its name.
    public static func of(fileName: String) -> ArchiveCodec? {
        if fileName.hasSuffix(".tar.zst") { return .zstd(level: 3) }
        if fileName.hasSuffix(".tar.lz4") { return .lz4 }
        return nil
    }
}
