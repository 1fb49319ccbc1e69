import CLZ4

/// A streaming LZ4 frame decompressor over any number of frames; owns its `LZ4F_dctx`.
///
/// Like zstd's, the LZ4F decoder does not notice a stream that stops mid-frame: `finish()` throws
/// `.truncated` unless the last frame was complete.
public final class LZ4FrameDecoder {
    private var context: OpaquePointer?
    private var output = [UInt8](repeating: 0, count: 1 << 20)
    private var inFrame = false

    public init() throws(CompressionError) {
        let code = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(code) == 0, context != nil else { throw .setup("LZ4F_createDecompressionContext failed") }
    }

    deinit { LZ4F_freeDecompressionContext(context) }

    /// Decompresses `input`, handing every decoded piece to `sink`. Skippable frames are skipped.
    public func decompress(_ input: UnsafeRawBufferPointer, into sink: ByteSink) throws {
        var offset = 0
        try output.withUnsafeMutableBytes { out in
            while offset < input.count || inFrame {
                var produced = out.count
                var consumed = input.count - offset
                let hint = LZ4F_decompress(context, out.baseAddress, &produced,
                                           input.baseAddress.map { $0 + offset }, &consumed, nil)
                if LZ4F_isError(hint) != 0 {
                    throw CompressionError.corrupt(String(cString: LZ4F_getErrorName(hint)))
                }
                offset += consumed
                inFrame = hint != 0
                if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: out[0..<produced])) }
                if offset == input.count && produced < out.count { break }
            }
        }
    }

    /// Ends the stream; throws `.truncated` if it stopped inside a frame.
    public func finish() throws(CompressionError) {
        if inFrame { throw .truncated }
    }
}
