/// A push parser for tar streams: feed it bytes as they are decompressed and it reports entries
/// and their content. Understands ustar, pax `x`/`g` headers and GNU long names.
public struct TarReader {
    /// What the parser found.
    public enum Event {
        /// A new entry; its content (files only) follows as `.data`, then `.endOfEntry`.
        case entry(TarEntry)
        case data(UnsafeRawBufferPointer)
        case endOfEntry
    }

    private enum State {
        case header
        case extended(type: UInt8, remaining: Int)
        case content(remaining: Int64)
        case padding(remaining: Int)
        case finished
    }

    private var state: State = .header
    private var block: [UInt8] = []
    private var extended: [UInt8] = []
    private var pending: [String: String] = [:]
    private var longName: String?
    private var longLink: String?
    private var zeroBlocks = 0
    private var offset: Int64 = 0
    private var entryPath = ""
    private static let extendedLimit = 1 << 20

    public init() {}

    /// Whether the end-of-archive marker has been read.
    public var isFinished: Bool { if case .finished = state { return true } else { return false } }

    /// Parses the next bytes of the stream.
    public mutating func feed(_ input: UnsafeRawBufferPointer, _ handler: (Event) throws -> Void) throws {
        var index = 0
        while index < input.count {
            switch state {
            case .finished:
                return  // trailing zero padding after the end marker
            case .header:
                let take = min(TarFormat.blockSize - block.count, input.count - index)
                block += UnsafeRawBufferPointer(rebasing: input[index..<(index + take)])
                index += take
                if block.count == TarFormat.blockSize {
                    try parseHeader(handler)
                    offset += Int64(TarFormat.blockSize)
                    block.removeAll(keepingCapacity: true)
                }
            case .extended(let type, let remaining):
                let take = min(remaining, input.count - index)
                extended += UnsafeRawBufferPointer(rebasing: input[index..<(index + take)])
                index += take
                offset += Int64(take)
                if remaining - take == 0 {
                    try finishExtended(type)
                    let pad = TarFormat.padding(extended.count)
                    extended.removeAll()
                    state = pad > 0 ? .padding(remaining: pad) : .header
                } else {
                    state = .extended(type: type, remaining: remaining - take)
                }
            case .content(let remaining):
                let take = Int(min(remaining, Int64(input.count - index)))
                if take > 0 { try handler(.data(UnsafeRawBufferPointer(rebasing: input[index..<(index + take)]))) }
                index += take
                offset += Int64(take)
                let left = remaining - Int64(take)
                if left == 0 {
                    try handler(.endOfEntry)
                    let pad = TarFormat.padding(offset)
                    state = pad > 0 ? .padding(remaining: pad) : .header
                } else {
                    state = .content(remaining: left)
                }
            case .padding(let remaining):
                let take = min(remaining, input.count - index)
                index += take
                offset += Int64(take)
                state = remaining - take == 0 ? .header : .padding(remaining: remaining - take)
            }
        }
    }

    /// Ends the stream; throws `.truncated` unless the end-of-archive marker was read.
    public func finish() throws(TarError) {
        guard isFinished else { throw .truncated }
    }

    private mutating func parseHeader(_ handler: (Event) throws -> Void) throws {
        if block.allSatisfy({ $0 == 0 }) {
            zeroBlocks += 1
            if zeroBlocks == 2 { state = .finished }
            return
        }
        if zeroBlocks > 0 { throw TarError.badHeader(offset: offset, "a lone zero block inside the archive") }
        var sum: Int64 = 0
        for (i, byte) in block.enumerated() { sum += (148..<156).contains(i) ? 32 : Int64(byte) }
        guard let stored = Self.number(block[148..<156]), stored == sum else { throw TarError.badChecksum(offset: offset) }
        let type = block[156]
        guard let size = Self.number(block[124..<136]), size >= 0 else { throw TarError.badHeader(offset: offset, "size field") }
        switch type {
        case UInt8(ascii: "x"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K"):
            guard size <= Int64(Self.extendedLimit) else { throw TarError.tooLarge("an extended header of \(size) bytes") }
            state = size == 0 ? .header : .extended(type: type, remaining: Int(size))
            return
        default:
            break
        }
        let name = Self.string(block[0..<100])
        let prefix = Self.string(block[345..<500])
        var path = pending["path"] ?? longName ?? (prefix.isEmpty ? name : prefix + "/" + name)
        let link = pending["linkpath"] ?? longLink ?? Self.string(block[157..<257])
        var entrySize = size
        if let paxSize = pending["size"] { guard let s = Int64(paxSize), s >= 0 else { throw TarError.badHeader(offset: offset, "pax size") }; entrySize = s }
        guard let mode = Self.number(block[100..<108]), let seconds = Self.number(block[136..<148]) else {
            throw TarError.badHeader(offset: offset, "mode or mtime field")
        }
        var modified = seconds * 1_000_000_000
        if let paxTime = pending["mtime"] {
            guard let t = Self.parsePaxTime(paxTime) else { throw TarError.badHeader(offset: offset, "pax mtime '\(paxTime)'") }
            modified = t
        }
        let uid = UInt32(clamping: pending["uid"].flatMap { Int64($0) } ?? Self.number(block[108..<116]) ?? 0)
        let gid = UInt32(clamping: pending["gid"].flatMap { Int64($0) } ?? Self.number(block[116..<124]) ?? 0)
        pending = [:]
        longName = nil
        longLink = nil
        let kind: TarEntry.Kind
        switch type {
        case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): kind = .file
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "2"): kind = .symlink
        default: throw TarError.unsupportedType(path: path, type: Character(Unicode.Scalar(type)))
        }
        if kind == .directory, path.hasSuffix("/") { path.removeLast() }
        entryPath = path
        let entry = TarEntry(path: path, kind: kind, mode: UInt32(mode & 0o7777), size: kind == .file ? entrySize : 0,
                             modified: modified, uid: uid, gid: gid, linkTarget: kind == .symlink ? link : "")
        try handler(.entry(entry))
        if kind == .file && entrySize > 0 {
            state = .content(remaining: entrySize)
        } else {
            try handler(.endOfEntry)
            // Directories and links carry no data even when a size is recorded in a foreign archive.
            state = .header
        }
    }

    private mutating func finishExtended(_ type: UInt8) throws {
        switch type {
        case UInt8(ascii: "L"): longName = Self.string(extended[...])
        case UInt8(ascii: "K"): longLink = Self.string(extended[...])
        case UInt8(ascii: "x"): pending = try Self.parsePax(extended, offset: offset)
        default: break  // global headers carry nothing regkeeper needs
        }
    }

    static func parsePax(_ body: [UInt8], offset: Int64) throws -> [String: String] {
        var records: [String: String] = [:]
        var index = 0
        while index < body.count {
            guard let space = body[index...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: body[index..<space], as: UTF8.self)), length > 0,
                  index + length <= body.count, body[index + length - 1] == UInt8(ascii: "\n") else {
                throw TarError.badHeader(offset: offset, "pax record")
            }
            let record = body[(space + 1)..<(index + length - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else { throw TarError.badHeader(offset: offset, "pax record without '='") }
            records[String(decoding: record[..<equals], as: UTF8.self)] = String(decoding: record[(equals + 1)...], as: UTF8.self)
            index += length
        }
        return records
    }

    static func parsePaxTime(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1)
        guard let seconds = Int64(parts[0]) else { return nil }
        var nanos: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1].prefix(9)
            guard let value = Int64(digits) else { return nil }
            nanos = value * Int64(pow10(9 - digits.count))
            if parts[0].hasPrefix("-") { nanos = -nanos }
        }
        return seconds * 1_000_000_000 + nanos
    }

    private static func pow10(_ n: Int) -> Int { (0..<n).reduce(1) { acc, _ in acc * 10 } }

    /// A numeric header field: octal text, or GNU base-256 when the high bit is set.
    static func number(_ field: ArraySlice<UInt8>) -> Int64? {
        if let first = field.first, first & 0x80 != 0 {
            var value: Int64 = Int64(first & 0x3F)
            for byte in field.dropFirst() {
                guard value < Int64.max >> 8 else { return nil }
                value = value << 8 | Int64(byte)
            }
            return first & 0x40 != 0 ? -value : value
        }
        var value: Int64 = 0
        var seen = false
        for byte in field {
            if byte == 0 || byte == UInt8(ascii: " ") { if seen { break } else { continue } }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "7"), value < Int64.max >> 3 else { return nil }
            value = value * 8 + Int64(byte - UInt8(ascii: "0"))
            seen = true
        }
        return value
    }

    static func string(_ field: ArraySlice<UInt8>) -> String {
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[field.startIndex..<end], as: UTF8.self)
    }
}
