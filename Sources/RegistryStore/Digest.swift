/// A sha256 content digest held as 32 bytes (four words), not as a string.
public struct Digest: Hashable, Comparable, Sendable {
    public let w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// A digest from its 32 raw bytes.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (i, byte) in bytes.enumerated() { words[i / 8] = words[i / 8] << 8 | UInt64(byte) }
        (w0, w1, w2, w3) = (words[0], words[1], words[2], words[3])
    }

    /// Parses exactly 64 lowercase hex characters (the form the registry writes in paths and links).
    public init?(hex: some StringProtocol) {
        var s = String(hex)
        guard let d = s.withUTF8({ Digest(hexBytes: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = d
    }

    /// Parses 64 lowercase hex characters from contiguous bytes.
    public init?(hexBytes: UnsafeRawBufferPointer) {
        guard hexBytes.count == 64 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for w in 0..<4 {
            var value: UInt64 = 0
            for i in 0..<16 {
                let c = hexBytes[w * 16 + i]
                let nibble: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = c &- UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = c &- UInt8(ascii: "a") &+ 10
                default: return nil
                }
                value = value << 4 | UInt64(nibble)
            }
            switch w {
            case 0: words.0 = value
            case 1: words.1 = value
            case 2: words.2 = value
            default: words.3 = value
            }
        }
        (w0, w1, w2, w3) = words
    }

    /// Parses `sha256:<64 hex>`; any other algorithm or form gives nil.
    public init?(string: some StringProtocol) {
        guard string.hasPrefix("sha256:") else { return nil }
        self.init(hex: string.dropFirst(7))
    }

    /// The 64 lowercase hex characters.
    public var hex: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 64) { buffer in
            for (w, word) in [w0, w1, w2, w3].enumerated() {
                for i in 0..<16 {
                    buffer[w * 16 + i] = digits[Int((word >> UInt64(60 - 4 * i)) & 0xF)]
                }
            }
            return 64
        }
    }

    /// The first two hex characters: the blob's fan-out directory.
    public var prefix: String { String(hex.prefix(2)) }

    /// The 32 raw bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for word in [w0, w1, w2, w3] {
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * i))) }
        }
        return out
    }

    public static func < (a: Digest, b: Digest) -> Bool {
        (a.w0, a.w1, a.w2, a.w3) < (b.w0, b.w1, b.w2, b.w3)
    }
}

extension Digest: CustomStringConvertible {
    /// `sha256:<hex>`, as the registry writes it.
    public var description: String { "sha256:" + hex }
}
