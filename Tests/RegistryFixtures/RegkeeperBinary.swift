import Foundation

/// Where the `regkeeper` executable under test is: next to the running test bundle (where
/// `swift build` puts it, e.g. `.build/debug/`), unless `REGKEEPER_BINARY` names it.
public enum RegkeeperBinary {
    /// The binary could not be found.
    public struct Missing: Error, CustomStringConvertible {
        let searched: [String]
        public var description: String {
            "regkeeper binary not found (looked at \(searched.joined(separator: ", "))): run `swift build` first, "
                + "or set REGKEEPER_BINARY to its path"
        }
    }

    /// The path of the binary, or an error saying where it was looked for.
    public static func path() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let override = environment["REGKEEPER_BINARY"], !override.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: override) else { throw Missing(searched: [override + " (REGKEEPER_BINARY)"]) }
            return override
        }
        var directories: [URL] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first, first.contains("/") {
            directories.append(URL(fileURLWithPath: first).standardizedFileURL.deletingLastPathComponent())
        }
        // macOS: <dir>/regkeeperPackageTests.xctest/Contents/MacOS/regkeeperPackageTests
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        var searched: [String] = []
        for directory in directories {
            let candidate = directory.appendingPathComponent("regkeeper").path
            if searched.contains(candidate) { continue }
            searched.append(candidate)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        throw Missing(searched: searched)
    }
}
