import Foundation
import RegistryFixtures

/// The `regkeeper` executable under test, run as a subprocess.
///
/// Found next to the running test bundle (where `swift build` puts it, e.g. `.build/debug/`),
/// unless `REGKEEPER_BINARY` names it.
enum Regkeeper {
    /// The path of the binary, or an error saying where it was looked for.
    static func binaryPath() throws -> String { try RegkeeperBinary.path() }

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
