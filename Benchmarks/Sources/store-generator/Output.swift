@preconcurrency import Glibc
import CBenchCrypto

/// Prints to stderr and exits with status 2.
func fail(_ message: String) -> Never {
    printError("store-generator: \(message)\n")
    exit(2)
}

/// Writes to file descriptor 2 (no `stderr` global: it is not concurrency-safe in Swift 6).
func printError(_ text: String) {
    var bytes = Array(text.utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + done, $0.count - done) }
        if n <= 0 { return }
        done += n
    }
}

/// A deterministic 64-bit PRNG (SplitMix64): the same seed always gives the same store.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { raw in
            var i = 0
            while i < count {
                var word = next()
                let n = min(8, count - i)
                withUnsafeBytes(of: &word) { w in
                    for k in 0..<n { raw[i + k] = w[k] }
                }
                i += n
            }
        }
        return out
    }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

func hexString(_ bytes: UnsafeRawBufferPointer) -> String {
    String(unsafeUninitializedCapacity: bytes.count * 2) { out in
        for (i, b) in bytes.enumerated() {
            out[2 * i] = hexDigits[Int(b >> 4)]
            out[2 * i + 1] = hexDigits[Int(b & 15)]
        }
        return bytes.count * 2
    }
}

/// Lowercase hex of the SHA-256 of `bytes` (OpenSSL, one shot).
func sha256Hex(_ bytes: [UInt8]) -> String {
    var md = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    let ok = bytes.withUnsafeBytes { raw in
        md.withUnsafeMutableBufferPointer { EVP_Digest(raw.baseAddress, raw.count, $0.baseAddress, &length, EVP_sha256(), nil) }
    }
    guard ok == 1, length == 32 else { fail("OpenSSL EVP_Digest(sha256) failed") }
    return md.withUnsafeBytes { hexString(UnsafeRawBufferPointer(rebasing: $0[0..<32])) }
}

/// Writes files and directories with plain POSIX calls; remembers the directories it made.
final class TreeWriter {
    private var made = Set<String>()
    private(set) var files = 0
    private(set) var directories = 0
    private(set) var bytes = 0

    init() { umask(0o022) }

    func makeDirectories(_ path: String) {
        if path.isEmpty || made.contains(path) { return }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            makeDirectories(String(path[..<slash]))
        }
        if mkdir(path, 0o755) != 0 {
            let e = errno
            if e != EEXIST { fail("mkdir \(path): \(String(cString: strerror(e)))") }
        } else {
            directories += 1
        }
        made.insert(path)
    }

    func write(_ path: String, _ content: [UInt8]) {
        if let slash = path.lastIndex(of: "/") { makeDirectories(String(path[..<slash])) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { fail("open \(path): \(String(cString: strerror(errno)))") }
        content.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    fail("write \(path): \(String(cString: strerror(errno)))")
                }
                done += n
            }
        }
        if close(fd) != 0 { fail("close \(path): \(String(cString: strerror(errno)))") }
        files += 1
        bytes += content.count
    }

    func write(_ path: String, _ text: String) { write(path, Array(text.utf8)) }
}

/// True if `path` exists and is a non-empty directory, or exists and is not a directory.
func pathIsOccupied(_ path: String) -> Bool {
    var st = stat()
    if stat(path, &st) != 0 { return false }
    if (st.st_mode & S_IFMT) != S_IFDIR { return true }
    guard let dir = opendir(path) else { return true }
    defer { closedir(dir) }
    while let entry = readdir(dir) {
        let name = withUnsafePointer(to: &entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        if name != "." && name != ".." { return true }
    }
    return false
}

func absolutePath(_ path: String) -> String {
    if path.hasPrefix("/") { return path }
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard let pointer = getcwd(&buffer, buffer.count) else { fail("getcwd failed") }
    let cwd = String(cString: pointer)
    return cwd == "/" ? "/" + path : cwd + "/" + path
}
