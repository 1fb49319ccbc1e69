/// Durations as operators write them: `0`, `90s`, `30m`, `12h`, `7d`, `1w`, or combined `1h30m`.
public enum DurationText {
    private static let nanosecondsPerSecond: Int64 = 1_000_000_000

    /// Parses a duration into nanoseconds; `nil` if it is not one.
    public static func parse(_ text: String) -> Int64? {
        let text = text.trimmingSpaces().lowercased()
        if text == "0" { return 0 }
        var total: Int64 = 0
        var number = ""
        var sawUnit = false
        for c in text {
            if c.isNumber || c == "." {
                number.append(c)
                continue
            }
            let unit: Int64
            switch c {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3_600
            case "d": unit = 86_400
            case "w": unit = 604_800
            default: return nil
            }
            guard let value = Double(number), value >= 0 else { return nil }
            total += Int64(value * Double(unit) * Double(nanosecondsPerSecond))
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit else { return nil }
        return total
    }

    /// Formats nanoseconds the short way: `0s`, `45s`, `1h30m`, `7d`.
    public static func format(_ nanoseconds: Int64) -> String {
        var seconds = nanoseconds / nanosecondsPerSecond
        if seconds == 0 { return nanoseconds == 0 ? "0s" : String(format3(Double(nanoseconds) / 1e9)) + "s" }
        var parts: [String] = []
        for (unit, suffix) in [(Int64(86_400), "d"), (3_600, "h"), (60, "m"), (1, "s")] where seconds >= unit {
            parts.append("\(seconds / unit)\(suffix)")
            seconds %= unit
        }
        return parts.joined()
    }

    /// Seconds with at most three decimals, e.g. `0.25`.
    public static func format3(_ value: Double) -> String {
        let millis = Int64((value * 1000).rounded())
        let whole = millis / 1000, fraction = millis % 1000
        if fraction == 0 { return "\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }
}
