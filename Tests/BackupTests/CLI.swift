import Foundation
import RegistryFixtures

/// The `regkeeper` executable under test, run as a subprocess (found like the `gc` integration
/// tests find it: next to the test bundle, where `swift build` puts it, unless `REGKEEPER_BINARY`
/// names it).
enum CLI {
    /// The path of the binary, or an error saying where it was looked for.
    static func binaryPath() throws -> String { try RegkeeperBinary.path() }

    /// Runs `regkeeper <arguments>`.
    static func run(_ arguments: [String], timeout: Double = 240) async throws -> CLIRun {
        CLIRun(arguments: arguments, output: try await Subprocess.run(try binaryPath(), arguments, timeout: timeout))
    }

    /// Runs `regkeeper <arguments>` under `sh` with a file-size limit of `bytes` (`ulimit -f`, in
    /// 512-byte blocks): with `ignoreSignal` the write that crosses it fails with EFBIG, otherwise
    /// SIGXFSZ kills the process in the middle of writing — a run interrupted for real.
    static func runWithFileSizeLimit(_ arguments: [String], bytes: Int, ignoreSignal: Bool) async throws -> CLIRun {
        // The signal disposition is set explicitly: the test process may itself ignore SIGXFSZ,
        // and an ignored signal is inherited.
        let script = "ulimit -f \(bytes / 512); exec env \(ignoreSignal ? "--ignore-signal" : "--default-signal")=XFSZ \"$0\" \"$@\""
        let output = try await Subprocess.run("sh", ["-c", script, try binaryPath()] + arguments, timeout: 240)
        return CLIRun(arguments: arguments, output: output)
    }

    /// `regkeeper backup --json --to DEST <extra> NAME=PATH...`, requiring exit 0 and a report.
    static func backup(to destination: URL, _ sources: [(String, URL)], _ extra: [String] = []) async throws -> BackupResult {
        let run = try await run(["backup", "--json", "--to", destination.path] + extra + sources.map { "\($0.0)=\($0.1.path)" })
        guard run.status == 0 else { throw run.failure("backup") }
        return try run.decode(BackupResult.self)
    }

    /// `regkeeper restore --from DEST [--at ID] --to DIR [SELECTIONS]`, requiring exit 0.
    static func restore(from destination: URL, at id: String? = nil, to target: URL, _ selections: [String] = []) async throws {
        let run = try await restoreRun(from: destination, at: id, to: target, selections)
        guard run.status == 0 else { throw run.failure("restore") }
    }

    /// `regkeeper restore ...`, whatever its outcome.
    static func restoreRun(from destination: URL, at id: String? = nil, to target: URL, _ selections: [String] = []) async throws -> CLIRun {
        var arguments = ["restore", "--from", destination.path]
        if let id { arguments += ["--at", id] }
        return try await run(arguments + ["--to", target.path] + selections)
    }

    /// `regkeeper backups --json --from DEST`, requiring exit 0.
    static func list(_ destination: URL) async throws -> BackupList {
        let run = try await run(["backups", "--json", "--from", destination.path])
        guard run.status == 0 else { throw run.failure("backups") }
        return try run.decode(BackupList.self)
    }

    /// `regkeeper verify --from DEST [--at ID]`, whatever its outcome.
    static func verify(_ destination: URL, at id: String? = nil) async throws -> CLIRun {
        try await run(["verify", "--from", destination.path] + (id.map { ["--at", $0] } ?? []))
    }

    /// `regkeeper gc --min-age 0 ROOT`, requiring exit 0.
    static func collect(_ root: URL) async throws {
        let run = try await run(["gc", "--quiet", "--min-age", "0", root.path])
        guard run.status == 0 else { throw run.failure("gc") }
    }
}

/// One finished `regkeeper` invocation.
struct CLIRun: CustomStringConvertible, Sendable {
    /// The run did not end as the test needs.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The arguments after the binary.
    let arguments: [String]
    /// Status and output.
    let output: ProcessOutput

    /// The exit status (a signal shows as 128+n).
    var status: Int32 { output.terminatedBySignal ? 128 + output.status : output.status }
    var stdout: String { output.stdoutText }
    var stderr: String { output.stderrText }

    /// Decodes stdout as a `--json` report.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: output.stdout)
        } catch {
            throw Failure(description: "could not decode \(type) from stdout: \(error)\n\(self)")
        }
    }

    /// An error describing an unexpected outcome.
    func failure(_ what: String) -> Failure { Failure(description: "\(what) failed: \(self)") }

    var description: String {
        "regkeeper \(arguments.joined(separator: " ")) -> \(output.exitDescription)\n"
            + "stdout: \(stdout.prefix(3000))\nstderr: \(stderr.prefix(3000))"
    }
}

/// `backup --json`.
struct BackupResult: Decodable, Sendable {
    let id: String
    let kind: String
    let parent: String?
    let archive: String
    let entries: Int
    let filesRead: Int
    let bytesRead: Int64
    let filesSkipped: Int
    let bytesSkipped: Int64
    let tarBytes: Int64
    let archiveBytes: Int64
    let warnings: [String]
    let durationSeconds: Double
}

/// `backups --json`.
struct BackupList: Decodable, Sendable {
    /// One backup as listed.
    struct Item: Decodable, Sendable {
        let id: String
        let kind: String
        let parent: String?
        let created: String
        let archive: String
    }

    let backups: [Item]
}
