import CCrypto

/// An incremental SHA-256 computation through OpenSSL's EVP interface; owns its context.
public final class SHA256 {
    private let context: OpaquePointer

    /// A fresh hasher; traps only if OpenSSL cannot allocate a context.
    public init() {
        guard let context = EVP_MD_CTX_new() else { fatalError("OpenSSL: EVP_MD_CTX_new failed (out of memory)") }
        self.context = context
        reset()
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Starts over, keeping the context for reuse.
    public func reset() {
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { fatalError("OpenSSL: EVP_DigestInit_ex(sha256) failed") }
    }

    /// Feeds bytes into the running hash.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        guard EVP_DigestUpdate(context, base, bytes.count) == 1 else { fatalError("OpenSSL: EVP_DigestUpdate failed") }
    }

    /// Feeds a byte array into the running hash.
    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Ends the computation and returns the 32-byte digest; the hasher is reset for reuse.
    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        guard ok == 1, length == 32 else { fatalError("OpenSSL: EVP_DigestFinal_ex failed") }
        reset()
        return out
    }

    /// The SHA-256 of a whole buffer.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        let hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The SHA-256 of a byte array.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }
}
