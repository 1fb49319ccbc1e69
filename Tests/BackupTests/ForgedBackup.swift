import Foundation
import RegistryFixtures

/// A tar stream written by hand (ustar headers, pax `x` records for long or non-ASCII names),
/// independent of regkeeper's own encoder, so archives can hold what regkeeper never writes.
struct HandTar {
    /// ustar type flags.
    enum Kind: UInt8, Sendable {
        case file = 0x30, hardLink = 0x31, symlink = 0x32, characterDevice = 0x33, directory = 0x35, fifo = 0x36
    }

    private(set) var bytes: [UInt8] = []

    /// Appends one member.
    mutating func add(_ path: String, kind: Kind, content: [UInt8] = [], mode: UInt32 = 0o644, mtime: Int64 = 1_700_000_000,
                      link: String = "") {
        var records: [(String, String)] = []
        let nameBytes = Array(path.utf8)
        let ascii = nameBytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        if nameBytes.count > 100 || !ascii { records.append(("path", path)) }
        if link.utf8.count > 100 { records.append(("linkpath", link)) }
        if !records.isEmpty {
            var body: [UInt8] = []
            for (key, value) in records {
                let record = " \(key)=\(value)\n"
                var length = record.utf8.count + 1
                while String(length).utf8.count + record.utf8.count != length { length += 1 }
                body += Array((String(length) + record).utf8)
            }
            bytes += header(name: Array("PaxHeaders/x".utf8), kind: 0x78, size: body.count, mode: 0o644, mtime: mtime, link: [])
            bytes += body + padding(body.count)
        }
        let shortName = nameBytes.count > 100 || !ascii ? Array(nameBytes.filter { $0 >= 0x20 && $0 < 0x7F }.suffix(100)) : nameBytes
        bytes += header(name: shortName, kind: kind.rawValue, size: kind == .file ? content.count : 0, mode: mode, mtime: mtime,
                        link: Array(link.utf8.prefix(100)))
        if kind == .file { bytes += content + padding(content.count) }
    }

    /// Appends the two zero blocks that end an archive.
    mutating func finish() { bytes += [UInt8](repeating: 0, count: 1024) }

    private func padding(_ count: Int) -> [UInt8] { [UInt8](repeating: 0, count: (512 - count % 512) % 512) }

    private func header(name: [UInt8], kind: UInt8, size: Int, mode: UInt32, mtime: Int64, link: [UInt8]) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ field: [UInt8], _ offset: Int) { for (i, b) in field.enumerated() { block[offset + i] = b } }
        func octal(_ value: Int64, _ offset: Int, _ width: Int) {
            let digits = String(value, radix: 8)
            put(Array((String(repeating: "0", count: width - 1 - digits.count) + digits).utf8), offset)
        }
        put(name, 0)
        octal(Int64(mode), 100, 8)
        octal(0, 108, 8)
        octal(0, 116, 8)
        octal(Int64(size), 124, 12)
        octal(mtime, 136, 12)
        block[156] = kind
        put(link, 157)
        put(Array("ustar\u{0}00".utf8), 257)
        put(Array(repeating: UInt8(ascii: " "), count: 8), 148)
        let sum = block.reduce(0) { $0 + Int64($1) }
        octal(sum, 148, 7)
        return block
    }
}

/// A backup written by hand into a backup directory: a hand-made tar stream compressed with the
/// stock `zstd`, a catalog in regkeeper's documented format (JSON lines, zstd-compressed) both in
/// a trailing skippable frame (magic 0x184D2A5E, payload = catalog + 8-byte LE length +
/// "RKCATLG1") and beside the archive as `<id>.catalog.zst`. Members can be put in the tar
/// stream, the catalog, or both, to forge what a hostile or damaged archive looks like.
struct ForgedBackup {
    /// One path of the forged backup.
    struct Member {
        var path: String
        var kind: HandTar.Kind
        var content: [UInt8] = []
        var mode: UInt32 = 0o644
        var link: String = ""
        /// The SHA-256 the catalog records (default: of `content`).
        var catalogDigest: String?
        var inTar = true
        var inCatalog = true

        static func directory(_ path: String, inTar: Bool = true, inCatalog: Bool = true) -> Member {
            Member(path: path, kind: .directory, mode: 0o755, inTar: inTar, inCatalog: inCatalog)
        }

        static func file(_ path: String, _ text: String, inTar: Bool = true, inCatalog: Bool = true) -> Member {
            Member(path: path, kind: .file, content: Array(text.utf8), inTar: inTar, inCatalog: inCatalog)
        }

        static func symlink(_ path: String, to target: String) -> Member {
            Member(path: path, kind: .symlink, mode: 0o777, link: target)
        }
    }

    /// The catalog's per-path line, as regkeeper's catalogs spell it.
    private struct Entry: Encodable {
        var path: String
        var type: String
        var size: Int64
        var mode: UInt32
        var uid: UInt32 = 0
        var gid: UInt32 = 0
        var mtime: Int64
        var ctime: Int64
        var inode: UInt64 = 0
        var sha256: String?
        var target: String?
        var archive: String?
    }

    /// The catalog's first line.
    private struct Header: Encodable {
        struct Source: Encodable {
            var name: String
            var path: String
            var registry: Bool
        }

        var format = 1
        var id: String
        var kind = "full"
        var created = "2020-01-01T00:00:00Z"
        var compression = "zstd:3"
        var archive: String
        var sources: [Source]
        var entries: Int
        var filesStored: Int
        var bytesStored: Int64
        var filesSkipped = 0
        var totalBytes: Int64
        var archiveBytes: Int64 = 0
    }

    static let mtime: Int64 = 1_700_000_000

    /// Writes the backup `id` (a full one) with `members` under the source names `roots` into
    /// `destination`; returns the archive's URL.
    @discardableResult
    static func write(_ members: [Member], id: String = "20200101T000000Z", roots: [String] = ["projects"],
                      into destination: URL) async throws -> URL {
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        let archiveName = "\(id)-full.tar.zst"
        var tar = HandTar()
        for member in members where member.inTar {
            tar.add(member.path, kind: member.kind, content: member.content, mode: member.mode, mtime: mtime, link: member.link)
        }
        tar.finish()

        var entries: [Entry] = []
        for member in members where member.inCatalog {
            let type: String
            switch member.kind {
            case .file: type = "f"
            case .directory: type = "d"
            case .symlink: type = "l"
            default: type = "c"
            }
            entries.append(Entry(
                path: member.path, type: type, size: member.kind == .file ? Int64(member.content.count) : 0, mode: member.mode,
                mtime: mtime * 1_000_000_000, ctime: mtime * 1_000_000_000,
                sha256: member.kind == .file ? (member.catalogDigest ?? ContentDigest.hex(of: Data(member.content))) : nil,
                target: member.kind == .symlink ? member.link : nil, archive: member.kind == .file ? id : nil))
        }
        let files = entries.filter { $0.type == "f" }
        let header = Header(
            id: id, archive: archiveName, sources: roots.map { Header.Source(name: $0, path: "/forged/\($0)", registry: false) },
            entries: entries.count, filesStored: files.count, bytesStored: files.reduce(0) { $0 + $1.size },
            totalBytes: files.reduce(0) { $0 + $1.size })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var lines = Array(try encoder.encode(header)) + [0x0A]
        for entry in entries { lines += Array(try encoder.encode(entry)) + [0x0A] }

        let scratch = try TemporaryDirectory(prefix: "forge")
        defer { scratch.remove() }
        let compressedTar = try await zstd(tar.bytes, scratch.url.appendingPathComponent("tar"))
        let catalog = try await zstd(lines, scratch.url.appendingPathComponent("catalog"))
        var payload = catalog
        payload += littleEndian(UInt64(catalog.count), bytes: 8)
        payload += Array("RKCATLG1".utf8)
        let frame = littleEndian(0x184D_2A5E, bytes: 4) + littleEndian(UInt64(payload.count), bytes: 4) + payload
        let archive = destination.appendingPathComponent(archiveName)
        try Data(compressedTar + frame).write(to: archive)
        try Data(catalog).write(to: destination.appendingPathComponent("\(id).catalog.zst"))
        return archive
    }

    /// `bytes` compressed by the stock `zstd` (checksummed).
    private static func zstd(_ bytes: [UInt8], _ scratch: URL) async throws -> [UInt8] {
        try Data(bytes).write(to: scratch)
        let output = try await Subprocess.run("zstd", ["-q", "-f", "--check", "-3", scratch.path, "-o", scratch.path + ".zst"])
        guard output.succeeded else { throw CommandFailure(command: "zstd \(scratch.path)", output: output) }
        return Array(try Data(contentsOf: URL(fileURLWithPath: scratch.path + ".zst")))
    }

    private static func littleEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}
