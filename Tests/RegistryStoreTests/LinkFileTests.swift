import Testing
@testable import RegistryStore

@Suite struct LinkFileTests {
    let hex = String(repeating: "ab", count: 32)

    @Test func acceptsExactlySha256ColonHex() throws {
        let digest = try LinkFile.parse(Array("sha256:\(hex)".utf8)).get()
        #expect(digest.hex == hex)
        #expect(LinkFile.content(digest) == Array("sha256:\(hex)".utf8))
    }

    @Test func anEmptyFileIsADefect() {
        #expect(LinkFile.parse([]) == .failure(.empty))
    }

    @Test func aTrailingNewlineIsADefect() {
        #expect(LinkFile.parse(Array("sha256:\(hex)\n".utf8)) == .failure(.wrongSize(72)))
    }

    @Test func garbageOfTheRightLengthIsADefect() {
        #expect(LinkFile.parse(Array(repeating: UInt8(ascii: "x"), count: 71)) == .failure(.notADigest))
        #expect(LinkFile.parse(Array("sha256:\(hex.uppercased())".utf8)) == .failure(.notADigest))
    }
}
