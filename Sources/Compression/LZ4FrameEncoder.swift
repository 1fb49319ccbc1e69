import CLZ4

/// A streaming LZ4 frame compressor (block and content checksums on); owns its `LZ4F_cctx`.
public final class LZ4FrameEncoder {
    private var context: OpaquePointer?
    private var preferences = LZ4F_preferences_t()
    private var output: [UInt8] = []
    private var started = false
    private static let chunk = 1 << 20

    public init() throws(CompressionError) {
        let code = LZ4F_createCompressionContext(&context, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(code) == 0, context != nil else { throw .setup("LZ4F_createCompressionContext failed") }
        preferences.frameInfo.blockSizeID = LZ4F_max1MB
        preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        preferences.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled
        output = [UInt8](repeating: 0, count: max(LZ4F_compressBound(Self.chunk, &preferences), Self.headerSizeMax))
    }

    deinit { LZ4F_freeCompressionContext(context) }

    /// LZ4F_HEADER_SIZE_MAX (a macro Swift cannot import).
    private static let headerSizeMax = 19

    /// Compresses `input`; with `endFrame` the frame is closed (a later call starts a new one).
    public func compress(_ input: UnsafeRawBufferPointer, endFrame: Bool = false, into sink: ByteSink) throws {
        try output.withUnsafeMutableBytes { out in
            if !started {
                let n = LZ4F_compressBegin(context, out.baseAddress, out.count, &preferences)
                try check(n)
                try sink(UnsafeRawBufferPointer(rebasing: out[0..<n]))
                started = true
            }
            var offset = 0
            while offset < input.count {
                let length = min(Self.chunk, input.count - offset)
                let n = LZ4F_compressUpdate(context, out.baseAddress, out.count, input.baseAddress! + offset, length, nil)
                try check(n)
                if n > 0 { try sink(UnsafeRawBufferPointer(rebasing: out[0..<n])) }
                offset += length
            }
            if endFrame {
                let n = LZ4F_compressEnd(context, out.baseAddress, out.count, nil)
                try check(n)
                try sink(UnsafeRawBufferPointer(rebasing: out[0..<n]))
                started = false
            }
        }
    }

    /// Compresses a byte array.
    public func compress(_ bytes: [UInt8], endFrame: Bool = false, into sink: ByteSink) throws {
        try bytes.withUnsafeBytes { try compress($0, endFrame: endFrame, into: sink) }
    }

    private func check(_ code: Int) throws(CompressionError) {
        if LZ4F_isError(code) != 0 { throw .compress(String(cString: LZ4F_getErrorName(code))) }
    }
}
