import Compression
import POSIXFilesystem

/// Reads an archive: the tar stream through the right decompressor, and the trailing catalog.
public struct ArchiveReader {
    /// Why an archive could not be read.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case noCatalog(String)
        case damaged(String, String)

        public var description: String {
            switch self {
            case .noCatalog(let path): return "\(path): no catalog frame at the end (truncated or not a regkeeper archive)"
            case .damaged(let path, let why): return "\(path): \(why)"
            }
        }
    }

    public let file: FileDescriptor
    public let codec: ArchiveCodec

    public init(file: FileDescriptor, codec: ArchiveCodec) {
        self.file = file
        self.codec = codec
    }

    /// The compressed catalog stored in the archive's last (skippable) frame.
    public func catalogBytes() throws -> [UInt8] {
        let size = try file.status().size
        let tail = try file.read(count: 16, at: max(0, size - 16))
        guard tail.count == 16, Array(tail[8...]) == ArchiveWriter.catalogMagic else { throw Failure.noCatalog(file.path) }
        let length = Int64(tail[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let start = size - 16 - length - Int64(SkippableFrame.headerSize)
        guard length > 0, start >= 0 else { throw Failure.noCatalog(file.path) }
        let header = try file.read(count: SkippableFrame.headerSize, at: start)
        guard let frame = SkippableFrame.decodeHeader(header), frame.variant == ArchiveWriter.catalogFrameVariant,
              Int64(frame.length) == length + 16 else { throw Failure.noCatalog(file.path) }
        return try file.read(count: Int(length), at: start + Int64(SkippableFrame.headerSize))
    }

    /// Decompresses the whole archive and feeds the tar stream to `handler`; throws on checksum
    /// errors, corruption, truncation, or a tar stream that does not end properly.
    public func readTar(_ handler: (TarReader.Event) throws -> Void) throws {
        try file.seek(to: 0)
        var tar = TarReader()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        switch codec {
        case .zstd:
            let decoder = try ZstdDecoder()
            try pump(&buffer) { try decoder.decompress($0) { piece in try tar.feed(piece, handler) } }
            try decoder.finish()
        case .lz4:
            let decoder = try LZ4FrameDecoder()
            try pump(&buffer) { try decoder.decompress($0) { piece in try tar.feed(piece, handler) } }
            try decoder.finish()
        }
        try tar.finish()
    }

    private func pump(_ buffer: inout [UInt8], _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        while true {
            let n = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
            if n == 0 { return }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }
}
