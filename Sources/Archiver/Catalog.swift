import Compression
import FoundationEssentials
import POSIXFilesystem
import RegistryStore

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
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
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

    /// Compressed for storage: the header line in a first zstd frame of its own (so listings read
    /// only that), the entries in a second; both checksummed.
    public func compressed() throws -> [UInt8] {
        let plain = try encoded()
        let firstLine = (plain.firstIndex(of: 0x0A) ?? plain.count - 1) + 1
        return try ZstdEncoder.frame(Array(plain[..<firstLine]), level: 9) + ZstdEncoder.frame(Array(plain[firstLine...]), level: 6)
    }

    /// Parses compressed catalog bytes.
    public static func decode(compressed bytes: [UInt8]) throws -> Catalog {
        let plain: [UInt8]
        do { plain = try ZstdDecoder.decompress(bytes) } catch { throw Failure.unreadable("\(error)") }
        return try decode(plain: plain)
    }

    /// Parses the header only (the first frame), for listings.
    public static func decodeHeader(compressed bytes: [UInt8]) throws -> CatalogHeader {
        let plain: [UInt8]
        do { plain = try ZstdDecoder.decompressFirstFrame(bytes) } catch { throw Failure.unreadable("\(error)") }
        guard let end = plain.firstIndex(of: 0x0A) else { throw Failure.unreadable("no header line") }
        do { return try JSONDecoder().decode(CatalogHeader.self, from: Data(plain[..<end])) } catch {
            throw Failure.unreadable("\(error)")
        }
    }

    /// Parses JSON lines; entries are decoded in parallel, in chunks.
    public static func decode(plain: [UInt8]) throws -> Catalog {
        let lines = plain.split(separator: 0x0A, omittingEmptySubsequences: true).map { Array($0) }
        guard let first = lines.first else { throw Failure.unreadable("empty") }
        let header: CatalogHeader
        do { header = try JSONDecoder().decode(CatalogHeader.self, from: Data(first)) } catch { throw Failure.unreadable("\(error)") }
        let chunkSize = 4096
        let chunks = stride(from: 1, to: lines.count, by: chunkSize).map { Array(lines[$0..<min($0 + chunkSize, lines.count)]) }
        let decoded = Parallel.map(chunks, jobs: POSIXProcess.processorCount) { chunk -> Result<[CatalogEntry], Failure> in
            let decoder = JSONDecoder()
            do { return .success(try chunk.map { try decoder.decode(CatalogEntry.self, from: Data($0)) }) } catch {
                return .failure(.unreadable("\(error)"))
            }
        }
        var entries: [CatalogEntry] = []
        entries.reserveCapacity(lines.count - 1)
        for result in decoded { entries += try result.get() }
        return Catalog(header: header, entries: entries)
    }
}
