import Dispatch
import Hashing
import Synchronization

/// The SHA-256 of a buffer, computed on another thread; `result()` waits for it.
///
/// The buffer is shared copy-on-write, not copied: the caller must not need it changed until
/// `result()` has returned.
final class BackgroundHash: Sendable {
    private let digest = Mutex<[UInt8]>([])
    private let group = DispatchGroup()

    init(_ content: [UInt8], count: Int) {
        DispatchQueue.global().async(group: group) { [self] in
            let hash = content.withUnsafeBytes { SHA256.hash(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            self.digest.withLock { $0 = hash }
        }
    }

    /// Waits for the hash and returns its 32 bytes.
    func result() -> [UInt8] {
        group.wait()
        return digest.withLock { $0 }
    }
}
