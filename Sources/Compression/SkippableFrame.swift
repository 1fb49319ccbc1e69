/// zstd/LZ4 skippable frames: data that `zstd -d` and `lz4 -d` pass over without output.
///
/// Layout: 4-byte little-endian magic `0x184D2A5?`, 4-byte little-endian length, payload.
public enum SkippableFrame {
    /// The first magic of the range both formats reserve for skippable frames.
    public static let baseMagic: UInt32 = 0x184D_2A50
    /// The size of the magic and length fields.
    public static let headerSize = 8

    /// A skippable frame holding `payload` (at most 4 GiB − 1), tagged with `variant` (0–15).
    public static func encode(_ payload: [UInt8], variant: UInt32 = 0) -> [UInt8] {
        precondition(payload.count <= Int(UInt32.max) && variant < 16)
        var frame = littleEndian(baseMagic | variant)
        frame += littleEndian(UInt32(payload.count))
        frame += payload
        return frame
    }

    /// Reads the header of a skippable frame: its variant and payload length.
    public static func decodeHeader(_ header: some Collection<UInt8>) -> (variant: UInt32, length: Int)? {
        let bytes = Array(header.prefix(headerSize))
        guard bytes.count == headerSize else { return nil }
        let magic = readLittleEndian(bytes[0..<4])
        guard magic & 0xFFFF_FFF0 == baseMagic else { return nil }
        return (magic & 0xF, Int(readLittleEndian(bytes[4..<8])))
    }

    static func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }

    static func readLittleEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}
