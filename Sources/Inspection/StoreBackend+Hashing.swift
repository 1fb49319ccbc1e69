import Hashing
import RegistryStore

extension StoreBackend {
    /// The SHA-256 of a file's content, streamed; nil if the file is absent.
    func hashFile(_ relativePath: String, in parent: Directory) throws(StoreError) -> [UInt8]? {
        let hasher = SHA256()
        guard try readStream(relativePath, in: parent, { hasher.update($0) }) else { return nil }
        return hasher.finalize()
    }
}
