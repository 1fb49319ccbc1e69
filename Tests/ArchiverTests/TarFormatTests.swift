@testable import Archiver
import Foundation
import Testing

/// The pax tar encoding: what we write reads back exactly, and GNU tar reads it without a warning.
@Suite struct TarFormatTests {
    static let nanos: Int64 = 1_700_000_000_123_456_789
    static let longPath = "projects/" + (0..<12).map { "directory-number-\($0)" }.joined(separator: "/") + "/compose.yml"

    struct Member {
        let entry: TarEntry
        let content: [UInt8]
    }

    static let members: [Member] = [
        Member(entry: TarEntry(path: "projects", kind: .directory, mode: 0o755, modified: nanos), content: []),
        Member(entry: TarEntry(path: "projects/empty", kind: .directory, mode: 0o700, modified: nanos), content: []),
        Member(entry: TarEntry(path: "projects/Caddyfile", kind: .file, mode: 0o644, size: 5, modified: nanos), content: Array("hello".utf8)),
        Member(entry: TarEntry(path: "projects/notes with spaces – ünïcødé.txt", kind: .file, mode: 0o600, size: 3, modified: 1_600_000_000_000_000_000), content: [1, 2, 3]),
        Member(entry: TarEntry(path: longPath, kind: .file, mode: 0o640, size: 513, modified: nanos), content: Array(repeating: 0x41, count: 513)),
        Member(entry: TarEntry(path: "projects/current", kind: .symlink, mode: 0o777, modified: nanos, linkTarget: "Caddyfile"), content: []),
        Member(entry: TarEntry(path: "projects/zero", kind: .file, mode: 0o644, size: 0, modified: nanos), content: []),
    ]

    static func archive(_ members: [Member] = members) -> [UInt8] {
        var out: [UInt8] = []
        for member in members {
            out += TarFormat.headers(for: member.entry)
            out += member.content
            out += [UInt8](repeating: 0, count: TarFormat.padding(member.content.count))
        }
        return out + TarFormat.endOfArchive
    }

    static func read(_ bytes: [UInt8], chunk: Int = 7) throws -> [Member] {
        var reader = TarReader()
        var members: [Member] = []
        var current: TarEntry?
        var content: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let end = min(index + chunk, bytes.count)
            try bytes[index..<end].withUnsafeBytes { piece in
                try reader.feed(piece) { event in
                    switch event {
                    case .entry(let entry): current = entry; content = []
                    case .data(let data): content += data
                    case .endOfEntry: members.append(Member(entry: current!, content: content))
                    }
                }
            }
            index = end
        }
        try reader.finish()
        return members
    }

    @Test func whatIsWrittenReadsBackExactlyWhateverTheChunking() throws {
        for chunk in [1, 7, 512, 100_000] {
            let back = try Self.read(Self.archive(), chunk: chunk)
            #expect(back.map(\.entry) == Self.members.map(\.entry))
            #expect(back.map(\.content) == Self.members.map(\.content))
        }
    }

    @Test func sizesOver8GiBTravelInAPaxRecord() throws {
        let entry = TarEntry(path: "big.img", kind: .file, mode: 0o644, size: 9 << 30, modified: Self.nanos)
        let headers = TarFormat.headers(for: entry)
        #expect(String(decoding: headers, as: UTF8.self).contains("size=\(9 << 30)"))
        var reader = TarReader()
        var seen: TarEntry?
        try headers.withUnsafeBytes { try reader.feed($0) { if case .entry(let e) = $0 { seen = e } } }
        #expect(seen?.size == 9 << 30)
    }

    @Test func aTruncatedStreamIsReported() throws {
        let bytes = Self.archive()
        #expect(throws: TarError.truncated) { try Self.read(Array(bytes.dropLast(1024))) }
        #expect(throws: TarError.truncated) { try Self.read(Array(bytes.prefix(700))) }
    }

    @Test func aDamagedHeaderIsReported() throws {
        var bytes = Self.archive()
        bytes[3] ^= 0x20  // inside the first header's name
        #expect(throws: TarError.badChecksum(offset: 0)) { try Self.read(bytes) }
    }

    @Test func devicesAreRefused() throws {
        var header = TarFormat.headers(for: TarEntry(path: "dev/sda", kind: .file, mode: 0o600, modified: 0))
        header[156] = UInt8(ascii: "4")
        // Fix the checksum for the changed type so that only the type is wrong.
        for i in 148..<156 { header[i] = 32 }
        let sum = header.prefix(512).reduce(0) { $0 + Int($1) }
        let digits = Array(String(sum, radix: 8).utf8)
        for i in 0..<8 { header[148 + i] = i < 6 - digits.count ? 48 : (i < 6 ? digits[i - (6 - digits.count)] : (i == 6 ? 0 : 32)) }
        #expect(throws: TarError.unsupportedType(path: "dev/sda", type: "4")) { try Self.read(header + TarFormat.endOfArchive) }
    }

    @Test func gnuTarListsAndExtractsItWithoutWarnings() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("regkeeper-tar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("test.tar")
        try Data(Self.archive()).write(to: file)

        let list = try run("/usr/bin/tar", ["-tf", file.path])
        #expect(list.status == 0)
        #expect(list.error.isEmpty, "tar -t warned: \(list.error)")
        #expect(list.output.split(separator: "\n").count == Self.members.count)

        let out = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let extract = try run("/usr/bin/tar", ["-xf", file.path, "-C", out.path])
        #expect(extract.status == 0 && extract.error.isEmpty, "tar -x: \(extract.error)")
        for member in Self.members where member.entry.kind == .file {
            let url = out.appendingPathComponent(member.entry.path)
            #expect(Array(try Data(contentsOf: url)) == member.content)
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            #expect((attributes[.posixPermissions] as? Int) == Int(member.entry.mode))
        }
        var status = stat()
        stat(out.appendingPathComponent("projects/Caddyfile").path, &status)
        #expect(Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec) == Self.nanos)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out.appendingPathComponent("projects/current").path) == "Caddyfile")
    }

    func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
