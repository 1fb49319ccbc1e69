import Compression
import POSIXFilesystem

/// Writes a compressed tar stream to a file, and the catalog in a trailing skippable frame.
///
/// Content that is already compressed (gzip or zstd layers) is not recompressed at a high level:
/// when the archive's zstd level is above `highLevel`, such files go into zstd frames of their own
/// at level 1. At the default level 3 they stay in the stream: ending frames makes zstd's worker
/// threads drain, which costs more than level 3 spends on incompressible data.
public final class ArchiveWriter {
    private let output: FileDescriptor
    private let codec: ArchiveCodec
    private let zstd: ZstdEncoder?
    private let lz4: LZ4FrameEncoder?
    private var pending: [UInt8] = []
    private var inFastFrame = false
    /// Bytes written to the file so far.
    public private(set) var compressedBytes: Int64 = 0
    /// Tar bytes written so far.
    public private(set) var tarBytes: Int64 = 0

    /// The zstd level for content that is already compressed.
    static let fastLevel: Int32 = 1
    /// Levels above this count as high: already-compressed content is written at `fastLevel` instead.
    static let highLevel: Int32 = 5
    /// Marks the catalog frame at the end of an archive.
    static let catalogMagic: [UInt8] = Array("RKCATLG1".utf8)
    static let catalogFrameVariant: UInt32 = 0xE

    public init(output: FileDescriptor, codec: ArchiveCodec, workers: Int32) throws {
        self.output = output
        self.codec = codec
        switch codec {
        case .zstd(let level):
            zstd = try ZstdEncoder(level: level, workers: workers)
            lz4 = nil
        case .lz4:
            zstd = nil
            lz4 = try LZ4FrameEncoder()
        }
        pending.reserveCapacity(1 << 20)
    }

    /// Appends tar bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        tarBytes += Int64(bytes.count)
        if let zstd {
            try zstd.compress(bytes, endFrame: false) { try self.emit($0) }
        } else if let lz4 {
            try lz4.compress(bytes, endFrame: false) { try self.emit($0) }
        }
    }

    /// Appends tar bytes.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Switches to (or back from) the fast level for already-compressed content (zstd only).
    public func setContentAlreadyCompressed(_ compressed: Bool) throws {
        guard let zstd, case .zstd(let level) = codec, compressed != inFastFrame, level > Self.highLevel else { return }
        try zstd.compress(UnsafeRawBufferPointer(start: nil, count: 0), endFrame: true) { try self.emit($0) }
        try zstd.setLevel(compressed ? Self.fastLevel : level)
        inFastFrame = compressed
    }

    /// Ends the tar stream's frame, appends the catalog frame, flushes and fsyncs the file.
    public func finish(catalog compressedCatalog: [UInt8]) throws {
        if let zstd {
            try zstd.compress(UnsafeRawBufferPointer(start: nil, count: 0), endFrame: true) { try self.emit($0) }
        } else if let lz4 {
            try lz4.compress(UnsafeRawBufferPointer(start: nil, count: 0), endFrame: true) { try self.emit($0) }
        }
        var payload = compressedCatalog
        payload += littleEndian64(UInt64(compressedCatalog.count))
        payload += Self.catalogMagic
        try emit(SkippableFrame.encode(payload, variant: Self.catalogFrameVariant))
        try flush()
        try output.sync()
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) throws {
        pending.append(contentsOf: bytes)
        if pending.count >= 1 << 20 { try flush() }
    }

    private func emit(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try emit($0) }
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        try output.write(pending)
        compressedBytes += Int64(pending.count)
        pending.removeAll(keepingCapacity: true)
    }

    private func littleEndian64(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}
