import Compression
import FoundationEssentials

/// The complete file set of one backup: a header line, then one JSON line per entry, sorted by path.
///
/// Stored zstd-compressed twice: in a skippable frame at the end of the archive (invisible to
/// `zstd -d`/`lz4 -d`) and beside it as `<id>.catalog.zst`, so listing never opens archives.
public struct Catalog: Sendable, Equatable {
    public var header: CatalogHeader
    public var entries: [CatalogEntry]

    public init(header: CatalogHeader, entries: [CatalogEntry]) {
        self.header = header
        self.entries = entries
    }

    /// Why catalog bytes could not be read.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case unreadable(String)

        public var description: String {
            switch self {
            case .unreadable(let why): return "catalog is unreadable: \(why)"
            }
        }
    }

    /// JSON lines, uncompressed.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = Array(try encoder.encode(header)) + [0x0A]
        for entry in entries {
            out += Array(try encoder.encode(entry))
            out.append(0x0A)
        }
        return out
    }

    /// Compressed for storage (one zstd frame with a checksum).
    public func compressed() throws -> [UInt8] { try ZstdEncoder.frame(try encoded(), level: 9) }

    /// Parses compressed catalog bytes.
    public static func decode(compressed bytes: [UInt8]) throws -> Catalog {
        let plain: [UInt8]
        do { plain = try ZstdDecoder.decompress(bytes) } catch { throw Failure.unreadable("\(error)") }
        return try decode(plain: plain)
    }

    /// Parses the header only (the first line), for listings.
    public static func decodeHeader(compressed bytes: [UInt8]) throws -> CatalogHeader {
        try decode(compressed: bytes).header
    }

    /// Parses JSON lines.
    public static func decode(plain: [UInt8]) throws -> Catalog {
        let decoder = JSONDecoder()
        var lines = plain.split(separator: 0x0A, omittingEmptySubsequences: true).makeIterator()
        guard let first = lines.next() else { throw Failure.unreadable("empty") }
        do {
            let header = try decoder.decode(CatalogHeader.self, from: Data(first))
            var entries: [CatalogEntry] = []
            entries.reserveCapacity(header.entries)
            while let line = lines.next() { entries.append(try decoder.decode(CatalogEntry.self, from: Data(line))) }
            return Catalog(header: header, entries: entries)
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure.unreadable("\(error)")
        }
    }
}
