import Foundation
import RegistryFixtures
import Testing

/// A full backup restores with stock tools alone: `zstd -dc X | tar -x` or `lz4 -dc X | tar -x`.
@Suite("stock-tool interoperability")
struct StockToolTests {
    /// The compressions and the stock decompressor of each.
    enum Codec: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case zstd, lz4
        var option: String { rawValue }
        var decompressor: String { self == .zstd ? "zstd -q -dc" : "lz4 -q -dc" }
        var testDescription: String { rawValue }
    }

    /// A full backup of a registry store and a projects tree in a fresh directory.
    private struct Backup {
        let scratch: TemporaryDirectory
        let store: FixtureCopy
        let projects: URL
        let archive: URL
        let result: BackupResult

        func remove() {
            scratch.remove()
            store.remove()
        }
    }

    private func makeBackup(_ codec: Codec) async throws -> Backup {
        let scratch = try TemporaryDirectory(prefix: "stock")
        let store = try await FixtureCopy.make()
        let projects = scratch.url.appendingPathComponent("projects")
        try ProjectsTree.build(at: projects)
        let destination = scratch.url.appendingPathComponent("backups")
        let result = try await CLI.backup(to: destination, [("registry", store.root), ("projects", projects)], ["--compression", codec.option])
        let archive = destination.appendingPathComponent(result.archive)
        return Backup(scratch: scratch, store: store, projects: projects, archive: archive, result: result)
    }

    /// Runs a shell pipeline; returns its output.
    private func shell(_ script: String) async throws -> ProcessOutput {
        try await Subprocess.run("sh", ["-c", script], timeout: 120)
    }

    /// `DECOMPRESS ARCHIVE | tar -x` yields both sources exactly: content, modes, owners (as
    /// root), nanosecond mtimes, symlinks, empty directories, long and non-ASCII names.
    @Test("a full archive extracted with the stock decompressor and tar equals the sources", arguments: Codec.allCases)
    func stockExtractionEqualsSources(codec: Codec) async throws {
        let backup = try await makeBackup(codec)
        defer { backup.remove() }
        #expect(backup.result.archive.hasSuffix(codec == .zstd ? "-full.tar.zst" : "-full.tar.lz4"), "\(backup.result.archive)")
        let out = backup.scratch.url.appendingPathComponent("extracted")
        try Files.makeDirectory(out)
        let owner = Files.isRoot ? "--same-owner --numeric-owner" : ""
        let extract = try await shell("\(codec.decompressor) '\(backup.archive.path)' | tar -x -p \(owner) -C '\(out.path)'")
        try #require(extract.succeeded, "\(extract.combinedText)")
        #expect(Files.names(out) == ["projects", "registry"])
        let registry = try TreeSnapshot.capture(out.appendingPathComponent("registry")).differences(from: try TreeSnapshot.capture(backup.store.root))
        #expect(registry.isEmpty, "registry:\n\(registry.joined(separator: "\n"))")
        let projects = try TreeSnapshot.capture(out.appendingPathComponent("projects")).differences(from: try TreeSnapshot.capture(backup.projects))
        #expect(projects.isEmpty, "projects:\n\(projects.joined(separator: "\n"))")
    }

    /// `tar -t` lists every path of both sources, once each, and prints nothing on stderr.
    /// (`--quoting-style=literal` only keeps non-ASCII names unescaped in a C locale.)
    @Test("tar -t lists the archive without a warning", arguments: Codec.allCases)
    func tarListsWithoutWarnings(codec: Codec) async throws {
        let backup = try await makeBackup(codec)
        defer { backup.remove() }
        let listing = try await shell("\(codec.decompressor) '\(backup.archive.path)' | tar -t --quoting-style=literal")
        #expect(listing.succeeded, "\(listing.combinedText)")
        #expect(listing.stderrText.isEmpty, "stderr: \(listing.stderrText)")
        let listed = listing.stdoutText.split(separator: "\n").map { $0.hasSuffix("/") ? String($0.dropLast()) : String($0) }
        var expected: [String] = []
        for (name, root) in [("registry", backup.store.root), ("projects", backup.projects)] {
            expected += try TreeSnapshot.capture(root).entries.keys.map { $0.isEmpty ? name : name + "/" + $0 }
        }
        #expect(listed.count == Set(listed).count, "a path is listed twice")
        let missing = Set(expected).subtracting(listed).sorted()
        let extra = Set(listed).subtracting(expected).sorted()
        #expect(missing.isEmpty && extra.isEmpty, "missing \(missing.prefix(10)); extra \(extra.prefix(10))")
    }

    /// A file from before 1970 with a fractional mtime (-0.5 s) comes out of `tar -x` with that
    /// mtime: the pax record must be the signed decimal `-0.5`.
    @Test("a pre-1970 fractional mtime survives extraction with GNU tar")
    func negativeFractionalMtimeSurvivesStockTar() async throws {
        let scratch = try TemporaryDirectory(prefix: "negative")
        defer { scratch.remove() }
        let source = scratch.url.appendingPathComponent("source")
        try Files.makeDirectory(source)
        let file = source.appendingPathComponent("old.txt")
        try Files.writeFile(file, "from 1969\n", mtime: -500_000_000)
        let destination = scratch.url.appendingPathComponent("backups")
        let result = try await CLI.backup(to: destination, [("old", source)])
        let out = scratch.url.appendingPathComponent("extracted")
        try Files.makeDirectory(out)
        let extract = try await shell("zstd -q -dc '\(destination.appendingPathComponent(result.archive).path)' | tar -x -C '\(out.path)'")
        try #require(extract.succeeded, "\(extract.combinedText)")
        let extracted = try Files.mtime(out.appendingPathComponent("old/old.txt"))
        #expect(extracted == -500_000_000, "tar -x gave mtime \(extracted) ns")
        let restored = scratch.url.appendingPathComponent("restored")
        try await CLI.restore(from: destination, to: restored)
        let viaRegkeeper = try Files.mtime(restored.appendingPathComponent("old/old.txt"))
        #expect(viaRegkeeper == -500_000_000, "regkeeper restore gave mtime \(viaRegkeeper) ns")
    }
}
