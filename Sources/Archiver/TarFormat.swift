/// The pax (POSIX.1-2001) tar header encoding: 512-byte ustar blocks plus extended-header records.
public enum TarFormat {
    public static let blockSize = 512

    /// The ustar header (preceded by a pax `x` header when a field does not fit) for an entry.
    public static func headers(for entry: TarEntry) -> [UInt8] {
        var records: [(String, String)] = []
        let name = entry.path + (entry.kind == .directory && !entry.path.hasSuffix("/") ? "/" : "")
        let (prefix, shortName) = splitUSTARName(name)
        if shortName == nil { records.append(("path", name)) }
        if entry.kind == .symlink && (entry.linkTarget.utf8.count > 100 || !isPortable(entry.linkTarget)) {
            records.append(("linkpath", entry.linkTarget))
        }
        if entry.size >= 0o77777777777 { records.append(("size", String(entry.size))) }
        let seconds = floorDivide(entry.modified, 1_000_000_000)
        if entry.modified % 1_000_000_000 != 0 || seconds < 0 || seconds >= 0o77777777777 {
            records.append(("mtime", formatPaxTime(entry.modified)))
        }
        if entry.uid > 0o7777777 { records.append(("uid", String(entry.uid))) }
        if entry.gid > 0o7777777 { records.append(("gid", String(entry.gid))) }

        var out: [UInt8] = []
        if !records.isEmpty {
            let body = paxBody(records)
            let paxName = Array("PaxHeaders/".utf8) + portableTail(name, 80)
            out += ustarBlock(name: paxName, prefix: [], mode: 0o644, uid: 0, gid: 0,
                              size: Int64(body.count), mtime: max(0, min(seconds, 0o77777777777)), type: UInt8(ascii: "x"), link: [])
            out += body
            out += [UInt8](repeating: 0, count: padding(body.count))
        }
        let type: UInt8
        switch entry.kind {
        case .file: type = UInt8(ascii: "0")
        case .directory: type = UInt8(ascii: "5")
        case .symlink: type = UInt8(ascii: "2")
        }
        out += ustarBlock(name: shortName ?? portableTail(name, 100), prefix: shortName == nil ? [] : prefix,
                          mode: entry.mode & 0o7777, uid: min(entry.uid, 0o7777777), gid: min(entry.gid, 0o7777777),
                          size: entry.kind == .file ? min(entry.size, 0o77777777777) : 0,
                          mtime: max(0, min(seconds, 0o77777777777)), type: type,
                          link: entry.kind == .symlink ? Array(entry.linkTarget.utf8.prefix(100)) : [])
        return out
    }

    /// Zero bytes that pad `count` content bytes to a whole block.
    public static func padding(_ count: Int) -> Int { (blockSize - count % blockSize) % blockSize }
    public static func padding(_ count: Int64) -> Int { Int((Int64(blockSize) - count % Int64(blockSize)) % Int64(blockSize)) }

    /// The two zero blocks that end an archive.
    public static let endOfArchive = [UInt8](repeating: 0, count: 2 * blockSize)

    /// The last `count` printable ASCII bytes of a path: the ustar fallback name when pax carries the real one.
    static func portableTail(_ text: String, _ count: Int) -> [UInt8] {
        Array(text.utf8.filter { $0 >= 0x20 && $0 < 0x7F }.suffix(count))
    }

    static func isPortable(_ text: String) -> Bool { text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }

    /// Splits a path into ustar `prefix` and `name`; `nil` name when it needs a pax `path` record.
    static func splitUSTARName(_ path: String) -> ([UInt8], [UInt8]?) {
        guard isPortable(path) else { return ([], nil) }
        let bytes = Array(path.utf8)
        if bytes.count <= 100 { return ([], bytes) }
        guard bytes.count <= 256 else { return ([], nil) }
        // Split at a '/' so that prefix ≤ 155 and name ≤ 100 (a trailing '/' stays in the name).
        for index in stride(from: min(155, bytes.count - 2), through: 1, by: -1) where bytes[index] == UInt8(ascii: "/") {
            let name = Array(bytes[(index + 1)...])
            if name.count <= 100 && !name.isEmpty { return (Array(bytes[..<index]), name) }
        }
        return ([], nil)
    }

    static func paxBody(_ records: [(String, String)]) -> [UInt8] {
        var body: [UInt8] = []
        for (key, value) in records {
            let content = " \(key)=\(value)\n"
            let base = content.utf8.count
            var length = base + String(base).count
            if String(length).count != String(base).count { length = base + String(length).count }
            body += Array((String(length) + content).utf8)
        }
        return body
    }

    /// A pax time: sign, whole seconds toward zero, and a fraction (`-0.5` is half a second before 1970).
    static func formatPaxTime(_ nanoseconds: Int64) -> String {
        let sign = nanoseconds < 0 ? "-" : ""
        let magnitude = nanoseconds.magnitude
        let seconds = magnitude / 1_000_000_000, nanos = magnitude % 1_000_000_000
        if nanos == 0 { return sign + String(seconds) }
        var fraction = String(nanos)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(sign)\(seconds).\(fraction)"
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    static func ustarBlock(name: [UInt8], prefix: [UInt8], mode: UInt32, uid: UInt32, gid: UInt32,
                           size: Int64, mtime: Int64, type: UInt8, link: [UInt8]) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: blockSize)
        func put(_ bytes: [UInt8], at offset: Int, max: Int) {
            for (i, b) in bytes.prefix(max).enumerated() { block[offset + i] = b }
        }
        func octal(_ value: Int64, at offset: Int, width: Int) {
            var digits = String(value, radix: 8)
            digits = String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
            put(Array(digits.utf8), at: offset, max: width - 1)
        }
        put(name, at: 0, max: 100)
        octal(Int64(mode), at: 100, width: 8)
        octal(Int64(uid), at: 108, width: 8)
        octal(Int64(gid), at: 116, width: 8)
        octal(size, at: 124, width: 12)
        octal(mtime, at: 136, width: 12)
        block[156] = type
        put(link, at: 157, max: 100)
        put(Array("ustar".utf8), at: 257, max: 6)
        put(Array("00".utf8), at: 263, max: 2)
        octal(0, at: 329, width: 8)
        octal(0, at: 337, width: 8)
        put(prefix, at: 345, max: 155)
        for i in 148..<156 { block[i] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + Int64($1) }
        octal(sum, at: 148, width: 7)
        block[154] = 0
        block[155] = UInt8(ascii: " ")
        return block
    }
}
