import CZstd

/// A streaming zstd compressor (one or more frames, content checksums on); owns its `ZSTD_CCtx`.
public final class ZstdEncoder {
    private let context: OpaquePointer
    private var output: [UInt8]

    /// - Parameters:
    ///   - level: zstd level (1–19; 3 is zstd's default).
    ///   - workers: compression threads; 0 compresses on the calling thread.
    public init(level: Int32 = 3, workers: Int32 = 0) throws(CompressionError) {
        guard let context = ZSTD_createCCtx() else { throw .setup("ZSTD_createCCtx: out of memory") }
        self.context = context
        output = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        try Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level), "level \(level)")
        try Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), "checksum")
        if workers > 0 { try Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, workers), "\(workers) workers") }
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Changes the level for the next frame (only between frames).
    public func setLevel(_ level: Int32) throws(CompressionError) {
        try Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level), "level \(level)")
    }

    /// Compresses `input`; with `endFrame` the frame is closed (a later call starts a new one).
    public func compress(_ input: UnsafeRawBufferPointer, endFrame: Bool = false, into sink: ByteSink) throws {
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        let mode = endFrame ? ZSTD_e_end : ZSTD_e_continue
        try output.withUnsafeMutableBytes { out in
            while true {
                var target = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                let remaining = ZSTD_compressStream2(context, &target, &source, mode)
                if ZSTD_isError(remaining) != 0 { throw CompressionError.compress(String(cString: ZSTD_getErrorName(remaining))) }
                if target.pos > 0 { try sink(UnsafeRawBufferPointer(rebasing: out[0..<target.pos])) }
                let done = endFrame ? remaining == 0 : source.pos == source.size && target.pos < target.size
                if done { return }
            }
        }
    }

    /// Compresses a byte array.
    public func compress(_ bytes: [UInt8], endFrame: Bool = false, into sink: ByteSink) throws {
        try bytes.withUnsafeBytes { try compress($0, endFrame: endFrame, into: sink) }
    }

    /// One whole frame of `bytes`, in memory.
    public static func frame(_ bytes: [UInt8], level: Int32 = 3) throws -> [UInt8] {
        var out: [UInt8] = []
        try ZstdEncoder(level: level).compress(bytes, endFrame: true) { out.append(contentsOf: $0) }
        return out
    }

    private static func check(_ code: Int, _ what: String) throws(CompressionError) {
        if ZSTD_isError(code) != 0 { throw .setup("\(what): \(String(cString: ZSTD_getErrorName(code)))") }
    }
}
