import Foundation
import RegistryFixtures
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A sparse file over 8 GiB: its size does not fit the ustar header, so the archive must carry a
/// pax `size` record; stock tar and regkeeper must both read it back.
@Suite("files over 8 GiB")
struct LargeFileTests {
    /// 8 GiB + 4219 bytes: past the ustar size field's limit (8 GiB - 1).
    static let size: Int64 = (8 << 30) + 4219
    /// Marker strings and where they go: the start, the middle, across the 8 GiB boundary, the end.
    static let markers: [(Int64, String)] = [
        (0, "BEGIN"), (4 << 30, "MIDDLE"), ((8 << 30) - 3, "ACROSS-8GiB"), (size - 6, "END!!\n"),
    ]

    private func pwriteText(_ fd: Int32, _ text: String, at offset: Int64) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) } == bytes.count
    }

    private func pread(_ fd: Int32, count: Int, at offset: Int64) -> [UInt8] {
        var buffer = [UInt8](repeating: 0xEE, count: count)
        let n = buffer.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress, count, off_t(offset)) }
        return Array(buffer.prefix(max(0, n)))
    }

    /// Full backup of a sparse 8 GiB+ file (with markers at its start, middle, across 8 GiB and
    /// end): the archive stays small and holds a pax `size` record; `tar -tv` lists the exact size
    /// with nothing on stderr; the restore has the exact size, markers, zeros between them, mode
    /// and nanosecond mtime.
    @Test("a sparse file over 8 GiB round-trips through a pax size record")
    func hugeSparseFileRoundTrips() async throws {
        let scratch = try TemporaryDirectory(prefix: "huge")
        defer { scratch.remove() }
        let source = scratch.url.appendingPathComponent("source")
        try Files.makeDirectory(source)
        let file = source.appendingPathComponent("huge.img")
        let fd = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        try #require(fd >= 0)
        #expect(ftruncate(fd, off_t(Self.size)) == 0)
        for (offset, text) in Self.markers { #expect(pwriteText(fd, text, at: offset)) }
        close(fd)
        let mtime = Files.ns(1_700_000_000, 987_654_321)
        try Files.setMtime(file, mtime)
        let status = try #require(Files.status(file))
        try #require(Int64(status.st_size) == Self.size)
        // The source really is sparse: a few blocks on disk, not 8 GiB.
        try #require(Int64(status.st_blocks) * 512 < 1 << 20, "the filesystem did not keep the file sparse: \(status.st_blocks) blocks")

        let destination = scratch.url.appendingPathComponent("backups")
        let result = try await CLI.backup(to: destination, [("big", source)])
        #expect(result.bytesRead == Self.size)
        #expect(result.archiveBytes < 8 << 20, "archive of 8 GiB of zeros is \(result.archiveBytes) bytes")
        let archive = destination.appendingPathComponent(result.archive)

        // The first headers (the file is the first member after the source root).
        let head = try await Subprocess.run("sh", ["-c", "zstd -q -dc '\(archive.path)' | head -c 8192"])
        #expect(head.stdoutText.contains("size=\(Self.size)\n"), "no pax size record in the first headers")
        // GNU tar reads the size from it (listing only the first headers: a full pass would
        // decompress 8 GiB for nothing; the clean full listing is checked in StockToolTests).
        let listing = try await Subprocess.run("sh", ["-c", "zstd -q -dc '\(archive.path)' | head -c 65536 | tar -tv --quoting-style=literal 2>/dev/null"])
        let line = listing.stdoutText.split(separator: "\n").first { $0.hasSuffix(" big/huge.img") }
        #expect(line?.contains(" \(Self.size) ") == true, "tar -tv: \(listing.stdoutText)")

        let target = scratch.url.appendingPathComponent("restored")
        try await CLI.restore(from: destination, to: target)
        let restored = target.appendingPathComponent("big/huge.img")
        defer { try? Files.remove(restored) }
        let restoredStatus = try #require(Files.status(restored))
        #expect(Int64(restoredStatus.st_size) == Self.size)
        #expect(restoredStatus.st_mode & 0o7777 == 0o640)
        #expect(try Files.mtime(restored) == mtime)
        let rfd = open(restored.path, O_RDONLY | O_CLOEXEC)
        try #require(rfd >= 0)
        defer { close(rfd) }
        for (offset, text) in Self.markers {
            #expect(pread(rfd, count: text.utf8.count, at: offset) == Array(text.utf8), "marker \(text) at \(offset)")
        }
        for offset: Int64 in [4096, 3 << 30, (8 << 30) - 8192, (8 << 30) + 64] {
            #expect(pread(rfd, count: 4096, at: offset).allSatisfy { $0 == 0 }, "non-zero bytes at \(offset)")
        }
    }
}
