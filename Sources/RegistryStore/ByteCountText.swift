/// Sizes for people: `0 B`, `512 B`, `1.5 KiB`, `3.2 GiB` (binary units, one decimal).
public enum ByteCountText {
    public static func format(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var unit = 0
        while abs(value) >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let tenths = Int64((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10)) \(units[unit])"
    }

    /// Parses `1.5GiB`, `200 MB`, `4096` (bytes); decimal units are powers of 1000.
    public static func parse(_ text: String) -> Int64? {
        let text = text.trimmingSpaces()
        let number = text.prefix { $0.isNumber || $0 == "." }
        let unit = text.dropFirst(number.count).trimmingSpaces().lowercased()
        guard let value = Double(number), value >= 0 else { return nil }
        let factors: [String: Double] = [
            "": 1, "b": 1, "k": 1024, "kib": 1024, "kb": 1000, "m": 1_048_576, "mib": 1_048_576, "mb": 1e6,
            "g": 1_073_741_824, "gib": 1_073_741_824, "gb": 1e9, "t": 1_099_511_627_776, "tib": 1_099_511_627_776, "tb": 1e12,
        ]
        guard let factor = factors[unit] else { return nil }
        return Int64(value * factor)
    }
}
