import CZstd

/// A streaming zstd decompressor over any number of frames; owns its `ZSTD_DCtx`.
///
/// zstd's stream decoder does not notice input that stops mid-frame, so `finish()` must be
/// called at the end: it throws `.truncated` unless the last frame was complete.
public final class ZstdDecoder {
    private let context: OpaquePointer
    private var output: [UInt8]
    private var inFrame = false

    public init() throws(CompressionError) {
        guard let context = ZSTD_createDCtx() else { throw .setup("ZSTD_createDCtx: out of memory") }
        self.context = context
        output = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses `input`, handing every decoded piece to `sink`. Skippable frames are skipped.
    public func decompress(_ input: UnsafeRawBufferPointer, into sink: ByteSink) throws {
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        try output.withUnsafeMutableBytes { out in
            while source.pos < source.size || inFrame {
                var target = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                let hint = ZSTD_decompressStream(context, &target, &source)
                if ZSTD_isError(hint) != 0 { throw CompressionError.corrupt(String(cString: ZSTD_getErrorName(hint))) }
                inFrame = hint != 0
                if target.pos > 0 { try sink(UnsafeRawBufferPointer(rebasing: out[0..<target.pos])) }
                // Input used up and the output buffer was not filled: the decoder needs more input.
                if source.pos == source.size && target.pos < target.size { break }
            }
        }
    }

    /// Ends the stream; throws `.truncated` if it stopped inside a frame.
    public func finish() throws(CompressionError) {
        if inFrame { throw .truncated }
    }

    /// Decompresses only the first frame of a buffer (the rest is not read).
    public static func decompressFirstFrame(_ bytes: [UInt8]) throws -> [UInt8] {
        let size = bytes.withUnsafeBytes { ZSTD_findFrameCompressedSize($0.baseAddress, $0.count) }
        if ZSTD_isError(size) != 0 { throw CompressionError.corrupt(String(cString: ZSTD_getErrorName(size))) }
        return try decompress(Array(bytes[0..<size]))
    }

    /// Decompresses a whole in-memory buffer.
    public static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
        let decoder = try ZstdDecoder()
        var out: [UInt8] = []
        try bytes.withUnsafeBytes { try decoder.decompress($0) { out.append(contentsOf: $0) } }
        try decoder.finish()
        return out
    }
}
