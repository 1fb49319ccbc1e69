/// The content of a registry `link` file: exactly `sha256:<64 lowercase hex>`, 71 bytes, no newline.
public enum LinkFile {
    /// The exact size of a valid link file.
    public static let size = 71

    /// Why a link file's bytes are not a digest.
    public enum Defect: Error, Sendable, Equatable, CustomStringConvertible {
        case empty
        case wrongSize(Int)
        case notADigest

        public var description: String {
            switch self {
            case .empty: return "link file is empty (an interrupted write)"
            case .wrongSize(let n): return "link file has \(n) bytes, expected \(LinkFile.size) (sha256:<64 hex>)"
            case .notADigest: return "link file does not hold sha256:<64 lowercase hex>"
            }
        }
    }

    /// Parses a link file's bytes.
    public static func parse(_ bytes: [UInt8]) -> Result<Digest, Defect> {
        if bytes.isEmpty { return .failure(.empty) }
        guard bytes.count == size else { return .failure(.wrongSize(bytes.count)) }
        let prefix: [UInt8] = Array("sha256:".utf8)
        guard bytes.starts(with: prefix) else { return .failure(.notADigest) }
        let digest = bytes.withUnsafeBytes { raw in
            Digest(hexBytes: UnsafeRawBufferPointer(rebasing: raw[prefix.count...]))
        }
        guard let digest else { return .failure(.notADigest) }
        return .success(digest)
    }

    /// The bytes the registry writes for a digest.
    public static func content(_ digest: Digest) -> [UInt8] { Array(digest.description.utf8) }
}
