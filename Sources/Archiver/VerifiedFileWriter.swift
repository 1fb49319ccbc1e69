import Dispatch
import Hashing
import POSIXFilesystem
import RegistryStore
import Synchronization

/// Writes restored files in parallel: each worker hashes a file's content (OpenSSL SHA-256),
/// compares it with the catalog, and only then writes it under a temporary name and renames it
/// into place. A copy whose hash does not match is dropped (a later copy may match).
final class VerifiedFileWriter: Sendable {
    private struct State {
        var done = Set<String>()
        var files = 0
        var bytes: Int64 = 0
        var failure: BackupError?
    }

    private let state = Mutex(State())
    private let group = DispatchGroup()
    private let slots: DispatchSemaphore
    private let queue = DispatchQueue(label: "regkeeper.restore.writers", attributes: .concurrent)
    private let setOwner: Bool

    /// - Parameters:
    ///   - jobs: files hashed and written at once.
    ///   - setOwner: restore owner and group (when running as root).
    init(jobs: Int, setOwner: Bool) {
        slots = DispatchSemaphore(value: max(1, jobs) * 2)
        self.setOwner = setOwner
    }

    /// Whether a verified copy of `path` has been written.
    func isDone(_ path: String) -> Bool { state.withLock { $0.done.contains(path) } }

    /// Hands over a whole file; blocks while too many are in flight.
    func submit(_ entry: CatalogEntry, content: [UInt8], into directory: Directory, name: String) {
        slots.wait()
        queue.async(group: group) {
            self.verifyAndWrite(entry, content: content, into: directory, name: name)
            self.slots.signal()
        }
    }

    private func verifyAndWrite(_ entry: CatalogEntry, content: [UInt8], into directory: Directory, name: String) {
        let digest = content.withUnsafeBytes { Digest(bytes: SHA256.hash($0))!.hex }
        guard digest == entry.sha256 else { return }
        do {
            try write(entry, into: directory, name: name) { file throws(POSIXError) in try file.write(content) }
        } catch {
            state.withLock { if $0.failure == nil { $0.failure = .io(path: error.path, reason: error.reason) } }
        }
    }

    /// Records a file written and verified by the caller (large files, streamed).
    func recordDone(_ entry: CatalogEntry) {
        state.withLock {
            if $0.done.insert(entry.path).inserted {
                $0.files += 1
                $0.bytes += entry.size
            }
        }
    }

    /// Creates `name` via a temporary, fills it with `fill`, sets its metadata, renames it into place.
    func write(_ entry: CatalogEntry, into directory: Directory, name: String,
               fill: (FileDescriptor) throws(POSIXError) -> Void) throws(POSIXError) {
        let temporary = ".\(name).\(UInt32.random(in: 0...UInt32.max)).part"
        let file = try directory.createFile(temporary, mode: 0o600)
        do {
            try fill(file)
            try finish(file, entry)
            try directory.rename(temporary, to: name, in: directory)
        } catch {
            _ = try? directory.removeFile(temporary)
            throw error
        }
        recordDone(entry)
    }

    /// Sets owner (as root), mode and mtime of a restored file.
    func finish(_ file: FileDescriptor, _ entry: CatalogEntry) throws(POSIXError) {
        if setOwner { try file.setOwner(uid: entry.uid, gid: entry.gid) }
        try file.setMode(entry.mode)
        try file.setModified(entry.mtime)
    }

    /// Waits for every submitted file; throws the first write failure.
    func drain() throws(BackupError) -> (files: Int, bytes: Int64) {
        group.wait()
        let snapshot = state.withLock { $0 }
        if let failure = snapshot.failure { throw failure }
        return (snapshot.files, snapshot.bytes)
    }
}
