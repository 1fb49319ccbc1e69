import Foundation
import RegistryFixtures
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Rewrites a file in place, over and over, alternating all-'A' and all-'B' content of the same
/// size, on its own thread: any copy read while it runs is either uniform or torn (mixed).
final class BackgroundRewriter: Sendable {
    let path: String
    let size: Int
    private let stopping = Atomic<Bool>(false)
    private let passes = Atomic<Int>(0)
    private let finished = DispatchSemaphore(value: 0)

    init(path: String, size: Int) {
        self.path = path
        self.size = size
    }

    /// Completed rewrites so far.
    var completedPasses: Int { passes.load(ordering: .acquiring) }

    /// Starts rewriting.
    func start() {
        Thread.detachNewThread { [self] in
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            let contents = [[UInt8](repeating: UInt8(ascii: "A"), count: size), [UInt8](repeating: UInt8(ascii: "B"), count: size)]
            var pass = 0
            while fd >= 0 && !stopping.load(ordering: .acquiring) {
                pass += 1
                _ = contents[pass % 2].withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
                passes.add(1, ordering: .releasing)
            }
            if fd >= 0 { close(fd) }
            finished.signal()
        }
    }

    /// Stops and waits for the thread.
    func stop() {
        stopping.store(true, ordering: .releasing)
        finished.wait()
    }

    /// Whether a copy of the file is all one byte (not torn).
    static func isUniform(_ data: Data) -> Bool {
        guard let first = data.first else { return true }
        return data.allSatisfy { $0 == first }
    }
}

/// A file that changes while it is read is read again or reported, never stored torn.
@Suite("files changing during a backup")
struct ChangingFileTests {
    static let size = 32 << 20

    /// Backs up a directory holding one 32 MiB file rewritten continuously during the backup.
    private func backUpWhileRewriting(_ scratch: TemporaryDirectory) async throws -> (BackupResult, destination: URL) {
        let source = scratch.url.appendingPathComponent("source")
        try Files.makeDirectory(source)
        let file = source.appendingPathComponent("db.bin")
        try Files.writeFile(file, [UInt8](repeating: UInt8(ascii: "A"), count: Self.size))
        try Files.writeFile(source.appendingPathComponent("quiet.txt"), "never changes\n")
        let destination = scratch.url.appendingPathComponent("backups")
        let rewriter = BackgroundRewriter(path: file.path, size: Self.size)
        rewriter.start()
        while rewriter.completedPasses < 2 { try await Task.sleep(nanoseconds: 1_000_000) }
        let before = rewriter.completedPasses
        let result: BackupResult
        do {
            result = try await CLI.backup(to: destination, [("data", source)])
        } catch {
            rewriter.stop()
            throw error
        }
        let during = rewriter.completedPasses - before
        rewriter.stop()
        #expect(during >= 3, "the file was rewritten only \(during) times during the backup; the test proves nothing")
        return (result, destination)
    }

    /// regkeeper either stores a consistent copy (uniform content) or reports the file in the
    /// `--json` warnings; what it restores is never a torn mix.
    @Test("a file rewritten during the backup is re-read or reported, and never restored torn")
    func changingFileIsRereadOrReported() async throws {
        let scratch = try TemporaryDirectory(prefix: "changing")
        defer { scratch.remove() }
        let (result, destination) = try await backUpWhileRewriting(scratch)
        let reported = result.warnings.contains { $0.contains("db.bin") }
        let target = scratch.url.appendingPathComponent("restored")
        try await CLI.restore(from: destination, to: target)
        let restored = target.appendingPathComponent("data/db.bin")
        #expect(try String(contentsOf: target.appendingPathComponent("data/quiet.txt"), encoding: .utf8) == "never changes\n")
        if Files.exists(restored) {
            let data = try Data(contentsOf: restored)
            #expect(data.count == Self.size && BackgroundRewriter.isUniform(data), "restored a torn copy (reported: \(reported))")
        } else {
            #expect(reported, "db.bin is missing from the backup and no warning says so: \(result.warnings)")
        }
    }

    /// The archive itself never holds a torn copy that `zstd -dc | tar -x` would extract: a full
    /// backup restores with stock tools alone, so they must not get a torn file either.
    @Test("stock extraction of a backup taken while a file was rewritten never yields a torn copy")
    func stockExtractionIsNeverTorn() async throws {
        let scratch = try TemporaryDirectory(prefix: "changing")
        defer { scratch.remove() }
        let (result, destination) = try await backUpWhileRewriting(scratch)
        let out = scratch.url.appendingPathComponent("extracted")
        try Files.makeDirectory(out)
        let archive = destination.appendingPathComponent(result.archive)
        let extract = try await Subprocess.run("sh", ["-c", "zstd -q -dc '\(archive.path)' | tar -x -C '\(out.path)'"])
        try #require(extract.succeeded, "\(extract.combinedText)")
        let listing = try await Subprocess.run("sh", ["-c", "zstd -q -dc '\(archive.path)' | tar -t --quoting-style=literal"])
        let copies = listing.stdoutText.split(separator: "\n").filter { $0 == "data/db.bin" }.count
        let extracted = out.appendingPathComponent("data/db.bin")
        if Files.exists(extracted) {
            let data = try Data(contentsOf: extracted)
            #expect(BackgroundRewriter.isUniform(data),
                    "tar -x extracted a torn db.bin (the archive holds \(copies) copies of it; warnings: \(result.warnings))")
        }
    }
}
