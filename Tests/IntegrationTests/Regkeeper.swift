import Foundation
import RegistryFixtures

/// The `regkeeper` executable under test, run as a subprocess.
///
/// Found next to the running test bundle (where `swift build` puts it, e.g. `.build/debug/`),
/// unless `REGKEEPER_BINARY` names it.
enum Regkeeper {
    /// The binary could not be found.
    struct Missing: Error, CustomStringConvertible {
        let searched: [String]
        var description: String {
            "regkeeper binary not found (looked at \(searched.joined(separator: ", "))): run `swift build` first, "
                + "or set REGKEEPER_BINARY to its path"
        }
    }

    /// The path of the binary, or an error saying where it was looked for.
    static func binaryPath() throws -> String {
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

    /// Runs `regkeeper gc <arguments>`; a non-empty `command` replaces the binary (e.g. a
    /// `setpriv ... <copy of the binary>` prefix).
    static func gc(_ arguments: [String], runAs command: [String] = []) async throws -> GCRun {
        let output: ProcessOutput
        if command.isEmpty {
            output = try await Subprocess.run(try binaryPath(), ["gc"] + arguments, timeout: 240)
        } else {
            output = try await Subprocess.run(command[0], Array(command.dropFirst()) + ["gc"] + arguments, timeout: 240)
        }
        return GCRun(arguments: ["gc"] + arguments, output: output)
    }

    /// `regkeeper gc --json <arguments>`, requiring a parseable report.
    static func gcReport(_ arguments: [String], runAs command: [String] = []) async throws -> (GCRun, GCReport) {
        let run = try await gc(["--json"] + arguments, runAs: command)
        return (run, try run.report())
    }
}
