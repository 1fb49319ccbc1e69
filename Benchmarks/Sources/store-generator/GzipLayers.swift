@preconcurrency import Glibc
import CBenchZlib

/// Real gzip layers for backup benchmarks (`--gzip-layers`): a gzip stream (zlib, RFC 1952) of
/// generated semi-compressible content, grown until the compressed stream reaches the wanted
/// blob size, so that blob sizes are what `--layer-size` asks and the uncompressed/compressed
/// ratio is that of real image layers (about 3x at gzip level 6). Every layer has its own
/// content (no two layers share long runs), so a compressor with a large window finds no
/// cross-layer matches that real layers would not have.
struct GzipLayerMaker {
    /// Bytes per deflate input chunk.
    static let chunk = 256 << 10

    let level: Int32
    /// Word list shared by all layers ("the language"): flat bytes plus start offsets.
    private let words: [UInt8]
    private let starts: [Int]
    /// Fraction of the content that is random bytes (machine code, already-compressed assets).
    let binaryFraction: Double
    /// Fraction of the content that repeats earlier content (within deflate's window).
    let repeatFraction: Double

    init(seed: UInt64, level: Int32, binaryFraction: Double = 0.10, repeatFraction: Double = 0.45) {
        self.level = level
        self.binaryFraction = binaryFraction
        self.repeatFraction = repeatFraction
        var rng = SplitMix64(seed: seed ^ 0x6A09_E667_F3BC_C908)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz_-./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        var flat: [UInt8] = []
        var starts: [Int] = []
        for i in 0..<4096 {
            starts.append(flat.count)
            // Frequent words are short, as in any language.
            let length = i < 64 ? rng.int(2...5) : rng.int(3...14)
            for _ in 0..<length {
                // Mostly lowercase letters.
                let r = rng.int(0...99)
                flat.append(r < 80 ? alphabet[rng.int(0...25)] : alphabet[rng.int(0...(alphabet.count - 1))])
            }
        }
        starts.append(flat.count)
        words = flat
        self.starts = starts
    }

    /// Fills `buffer` with a mix of three kinds of runs: fresh text (skewed word choice, lines of a
    /// few words; deflate gets ~1.8x on it), repeats of text from earlier in the buffer (what
    /// deflate's matches find in real files: ~30x), and random bytes (machine code, compressed
    /// assets: 1x). By bytes: `binaryFraction` random, `repeatFraction` repeats, the rest fresh.
    func fill(_ buffer: UnsafeMutableRawBufferPointer, rng: inout SplitMix64) {
        var i = 0
        let n = buffer.count
        // Event probabilities (per million) from byte fractions and mean run lengths:
        // random 4,224 B, repeats 264 B, two words ~14 B.
        let fresh = max(0.01, 1 - binaryFraction - repeatFraction)
        let k = 1 / (binaryFraction / 4224 + repeatFraction / 264 + fresh / 14)
        let binaryCut = UInt64(binaryFraction / 4224 * k * 1_000_000)
        let repeatCut = binaryCut + UInt64(repeatFraction / 264 * k * 1_000_000)
        words.withUnsafeBytes { vocab in
            starts.withUnsafeBufferPointer { starts in
                while i < n {
                    var r = rng.next()
                    let event = r % 1_000_000
                    r /= 1_000_000
                    if event < binaryCut {
                        // Random bytes, 256 B to 8 KiB.
                        let run = min(n - i, 256 + Int(r % 7936))
                        var k = 0
                        while k < run {
                            var w = rng.next()
                            let m = min(8, run - k)
                            withUnsafeBytes(of: &w) { wb in
                                for j in 0..<m { buffer[i + k + j] = wb[j] }
                            }
                            k += m
                        }
                        i += run
                        continue
                    }
                    if event < repeatCut {
                        // A repeat of 16-511 bytes from up to 32 KiB back (deflate's window).
                        let run = min(n - i, 16 + Int(r % 496))
                        r >>= 9
                        if i > run {
                            let distance = run + Int(r % UInt64(min(i - run, 32_000)))
                            for j in 0..<run { buffer[i + j] = buffer[i - distance + j] }
                            i += run
                        }
                        continue
                    }
                    // Two words; the product of two 12-bit uniforms skews the choice toward the
                    // frequent (short, low-index) words.
                    for _ in 0..<2 {
                        let a = Int(r & 0xFFF), b = Int((r >> 12) & 0xFFF)
                        r >>= 24
                        let index = (a * b) >> 12
                        let start = starts[index], length = starts[index + 1] - start
                        if i + length + 1 > n { i = n; break }
                        for j in 0..<length { buffer[i + j] = vocab[start + j] }
                        i += length
                        buffer[i] = (r & 7) == 0 ? 0x0A : 0x20
                        i += 1
                    }
                }
            }
        }
    }

    /// A gzip stream of about `size` bytes (a little more: deflate's last block).
    func make(size target: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var stream = z_stream()
        let rc = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                               Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { fail("zlib deflateInit2 failed: \(rc)") }
        defer { deflateEnd(&stream) }
        var input = [UInt8](repeating: 0, count: Self.chunk)
        var out = [UInt8](repeating: 0, count: Self.chunk + 1024)
        var result: [UInt8] = []
        result.reserveCapacity(target + 65_536)
        // Deflate holds back some output (the block it is building): finish a little early, with a
        // last chunk of about what the remaining room holds at a ratio of 2.
        let slack = level <= 1 ? 32 << 10 : 96 << 10
        while true {
            input.withUnsafeMutableBytes { fill($0, rng: &rng) }
            let room = target - result.count
            if room <= slack {
                deflateChunk(&stream, input: &input, count: max(1, min(Self.chunk, room * 2)), out: &out, into: &result, flush: Z_FINISH)
                return result
            }
            deflateChunk(&stream, input: &input, count: Self.chunk, out: &out, into: &result, flush: Z_NO_FLUSH)
        }
    }

    private func deflateChunk(_ stream: inout z_stream, input: inout [UInt8], count: Int, out: inout [UInt8],
                              into result: inout [UInt8], flush: Int32) {
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(count)
            out.withUnsafeMutableBufferPointer { outBuffer in
                while true {
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    let rc = deflate(&stream, flush)
                    guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else { fail("zlib deflate failed: \(rc)") }
                    let produced = outBuffer.count - Int(stream.avail_out)
                    result.append(contentsOf: outBuffer[0..<produced])
                    if flush == Z_FINISH {
                        if rc == Z_STREAM_END { return }
                    } else if stream.avail_in == 0 && stream.avail_out != 0 {
                        return
                    }
                }
            }
        }
    }
}

/// Parses a byte count: `4096`, `4K`, `40M`, `2G` (binary multiples).
func parseByteCount(_ text: String) -> Int? {
    guard let last = text.last else { return nil }
    let multipliers: [Character: Int] = ["K": 1 << 10, "k": 1 << 10, "M": 1 << 20, "m": 1 << 20, "G": 1 << 30, "g": 1 << 30]
    if let m = multipliers[last] {
        guard let n = Int(text.dropLast()), n >= 0 else { return nil }
        return n * m
    }
    guard let n = Int(text), n >= 0 else { return nil }
    return n
}

/// A log-uniform size in `lower...upper`: as many layers of a few KiB as of a few MiB.
func logUniform(_ lower: Int, _ upper: Int, rng: inout SplitMix64) -> Int {
    guard upper > lower else { return lower }
    let u = Double.random(in: 0..<1, using: &rng)
    let value = exp(log(Double(lower)) + u * (log(Double(upper)) - log(Double(lower))))
    return min(upper, max(lower, Int(value)))
}
