import Foundation
import Hashing

/// `sha256:<hex>` content digests, as the registry names blobs and manifests.
public enum ContentDigest {
    /// The digest string of `data`.
    public static func of(_ data: Data) -> String {
        "sha256:" + hex(of: data)
    }

    /// The 64 lowercase hex characters of the SHA-256 of `data`.
    public static func hex(of data: Data) -> String {
        hexString(SHA256.hash([UInt8](data)))
    }

    /// Lowercase hex of raw bytes.
    public static func hexString(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hex part of `sha256:<hex>` (the whole string if it has no algorithm prefix).
    public static func hexPart(_ digest: String) -> String {
        digest.hasPrefix("sha256:") ? String(digest.dropFirst(7)) : digest
    }
}
