import Compression
import Foundation
import Testing

/// Round trips, and the traps of streaming decoders: truncation and corruption must be reported.
@Suite struct CompressionTests {
    let text: [UInt8] = Array((0..<20_000).map { "line \($0) of a manifest-like text\n" }.joined().utf8)

    func zstd(_ bytes: [UInt8], frames: Int = 1) throws -> [UInt8] {
        let encoder = try ZstdEncoder(level: 3, workers: 2)
        var out: [UInt8] = []
        let size = bytes.count / frames
        for i in 0..<frames {
            let end = i == frames - 1 ? bytes.count : (i + 1) * size
            try encoder.compress(Array(bytes[(i * size)..<end]), endFrame: true) { out.append(contentsOf: $0) }
        }
        return out
    }

    func lz4(_ bytes: [UInt8]) throws -> [UInt8] {
        let encoder = try LZ4FrameEncoder()
        var out: [UInt8] = []
        try encoder.compress(bytes, endFrame: true) { out.append(contentsOf: $0) }
        return out
    }

    func unlz4(_ bytes: [UInt8]) throws -> [UInt8] {
        let decoder = try LZ4FrameDecoder()
        var out: [UInt8] = []
        try bytes.withUnsafeBytes { try decoder.decompress($0) { out.append(contentsOf: $0) } }
        try decoder.finish()
        return out
    }

    @Test func zstdRoundTripsAcrossSeveralFrames() throws {
        let compressed = try zstd(text, frames: 3)
        #expect(compressed.count < text.count / 5)
        #expect(try ZstdDecoder.decompress(compressed) == text)
    }

    @Test func zstdReportsATruncatedStream() throws {
        let compressed = try zstd(text)
        #expect(throws: CompressionError.truncated) { try ZstdDecoder.decompress(Array(compressed.dropLast(7))) }
    }

    @Test func zstdReportsAFlippedByte() throws {
        var compressed = try zstd(text)
        compressed[compressed.count / 2] ^= 0x40
        #expect(throws: (any Error).self) { try ZstdDecoder.decompress(compressed) }
    }

    @Test func zstdSkipsSkippableFrames() throws {
        let stream = try zstd(Array(text[0..<100])) + SkippableFrame.encode(Array("catalog".utf8), variant: 3)
            + (try zstd(Array(text[100..<200])))
        #expect(try ZstdDecoder.decompress(stream) == Array(text[0..<200]))
    }

    @Test func lz4RoundTrips() throws {
        let big = text + text + text
        #expect(try unlz4(try lz4(big)) == big)
    }

    @Test func lz4ReportsATruncatedStream() throws {
        let compressed = try lz4(text)
        #expect(throws: CompressionError.truncated) { try unlz4(Array(compressed.dropLast(5))) }
    }

    @Test func lz4ReportsAFlippedByte() throws {
        var compressed = try lz4(text)
        compressed[compressed.count / 2] ^= 0x01
        #expect(throws: (any Error).self) { try unlz4(compressed) }
    }

    @Test func lz4SkipsSkippableFrames() throws {
        let stream = try lz4(Array(text[0..<100])) + SkippableFrame.encode([1, 2, 3]) + (try lz4(Array(text[100..<300])))
        #expect(try unlz4(stream) == Array(text[0..<300]))
    }

    @Test func skippableFrameHeadersDecode() {
        let frame = SkippableFrame.encode(Array(repeating: 7, count: 300), variant: 5)
        let header = SkippableFrame.decodeHeader(frame)
        #expect(header?.variant == 5)
        #expect(header?.length == 300)
        #expect(SkippableFrame.decodeHeader([0x28, 0xB5, 0x2F, 0xFD, 0, 0, 0, 0]) == nil)  // a zstd frame's magic
    }

    @Test(arguments: ["zstd", "lz4"])
    func theStockToolsDecodeOurFramesAndSkipTheSkippableOnes(tool: String) throws {
        let payload = Array(text[0..<5000])
        let stream = (tool == "zstd" ? try zstd(payload) : try lz4(payload)) + SkippableFrame.encode(Array("x".utf8))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("regkeeper-\(UUID().uuidString).\(tool)")
        try Data(stream).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        process.arguments = ["-dc", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(Array(out) == payload)
    }
}
