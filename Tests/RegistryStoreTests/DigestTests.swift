import Testing
@testable import RegistryStore

@Suite struct DigestTests {
    let hex = "a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"

    @Test func parsesAndPrintsTheRegistryForm() throws {
        let digest = try #require(Digest(string: "sha256:" + hex))
        #expect(digest.hex == hex)
        #expect(digest.description == "sha256:" + hex)
        #expect(digest.prefix == "a3")
    }

    @Test func rejectsUppercaseShortLongAndNonHex() {
        #expect(Digest(hex: hex.uppercased()) == nil)
        #expect(Digest(hex: String(hex.dropLast())) == nil)
        #expect(Digest(hex: hex + "0") == nil)
        #expect(Digest(hex: String(hex.dropLast()) + "g") == nil)
    }

    @Test func rejectsOtherAlgorithms() {
        #expect(Digest(string: "sha512:" + hex) == nil)
        #expect(Digest(string: hex) == nil)
    }

    @Test func rawBytesRoundTrip() throws {
        let digest = try #require(Digest(hex: hex))
        #expect(Digest(bytes: digest.bytes) == digest)
        #expect(digest.bytes.count == 32)
        #expect(digest.bytes.first == 0xa3)
    }

    @Test func ordersLikeItsHex() throws {
        let a = try #require(Digest(hex: String(repeating: "0", count: 63) + "1"))
        let b = try #require(Digest(hex: "1" + String(repeating: "0", count: 63)))
        #expect(a < b)
        #expect([b, a].sorted() == [a, b])
    }
}
