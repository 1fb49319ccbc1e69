import Testing
@testable import RegistryStore

@Suite struct DurationTextTests {
    @Test(arguments: [("0", Int64(0)), ("90s", 90), ("30m", 1800), ("12h", 43200), ("7d", 604_800), ("1h30m", 5400), ("1w", 604_800)])
    func parsesOperatorDurations(text: String, seconds: Int64) {
        #expect(DurationText.parse(text) == seconds * 1_000_000_000)
    }

    @Test(arguments: ["", "h", "10", "10x", "-5m", "1h-"])
    func rejectsNonDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func formatsShort() {
        #expect(DurationText.format(5400 * 1_000_000_000) == "1h30m")
        #expect(DurationText.format(0) == "0s")
    }
}

@Suite struct ByteCountTextTests {
    @Test func formatsBinaryUnits() {
        #expect(ByteCountText.format(512) == "512 B")
        #expect(ByteCountText.format(1536) == "1.5 KiB")
        #expect(ByteCountText.format(3 * 1_073_741_824 + 214_748_365) == "3.2 GiB")
    }

    @Test func parsesUnits() {
        #expect(ByteCountText.parse("1.5GiB") == 1_610_612_736)
        #expect(ByteCountText.parse("200 MB") == 200_000_000)
        #expect(ByteCountText.parse("4096") == 4096)
        #expect(ByteCountText.parse("12 parsecs") == nil)
    }
}

@Suite struct TimestampTests {
    @Test func parsesTheRegistrysStartedAt() {
        let expected: Int64 = 1_714_564_800_000_000_000
        #expect(Timestamp.parseRFC3339(Array("2024-05-01T12:00:00Z".utf8)) == expected)
    }

    @Test func parsesFractionsAndOffsets() {
        let expected: Int64 = 1_714_564_800_500_000_000
        #expect(Timestamp.parseRFC3339(Array("2024-05-01T14:00:00.5+02:00".utf8)) == expected)
    }

    @Test func rejectsGarbage() {
        #expect(Timestamp.parseRFC3339(Array("yesterday".utf8)) == nil)
        #expect(Timestamp.parseRFC3339(Array("2024-13-01T00:00:00Z".utf8)) == nil)
    }

    @Test func formatsUTCSeconds() {
        #expect(Timestamp.formatRFC3339(1_714_564_800 * 1_000_000_000) == "2024-05-01T12:00:00Z")
    }
}
