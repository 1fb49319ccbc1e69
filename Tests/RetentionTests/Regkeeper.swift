import Foundation
import RegistryFixtures

/// The `regkeeper` executable under test, run as a subprocess.
enum Regkeeper {
    /// Runs `regkeeper <arguments>`.
    static func run(_ arguments: [String]) async throws -> RegkeeperRun {
        RegkeeperRun(arguments: arguments, output: try await Subprocess.run(try RegkeeperBinary.path(), arguments, timeout: 120))
    }

    /// `regkeeper prune-tags --json --min-age 0 <arguments> ROOT`, with its report.
    static func pruneTags(_ arguments: [String], root: URL) async throws -> (RegkeeperRun, PruneReport) {
        let run = try await run(["prune-tags", "--json", "--min-age", "0"] + arguments + [root.path])
        return (run, try run.decode(PruneReport.self))
    }

    /// `regkeeper check --json <arguments> ROOT`, with its report.
    static func check(_ arguments: [String], root: URL) async throws -> (RegkeeperRun, CheckReport) {
        let run = try await run(["check", "--json"] + arguments + [root.path])
        return (run, try run.decode(CheckReport.self))
    }

    /// `regkeeper du --json --root ROOT`, with its report.
    static func du(root: URL) async throws -> (RegkeeperRun, UsageReport) {
        let run = try await run(["du", "--json", "--root", root.path])
        return (run, try run.decode(UsageReport.self))
    }

    /// `regkeeper gc --json --dry-run --min-age 0 <arguments> ROOT`, with its report.
    static func gcDryRun(_ arguments: [String], root: URL) async throws -> (RegkeeperRun, CollectionReport) {
        let run = try await run(["gc", "--json", "--dry-run", "--min-age", "0"] + arguments + [root.path])
        return (run, try run.decode(CollectionReport.self))
    }
}

/// One finished `regkeeper` invocation.
struct RegkeeperRun: CustomStringConvertible, Sendable {
    struct BadReport: Error, CustomStringConvertible { let description: String }

    let arguments: [String]
    let output: ProcessOutput

    /// The exit status (a signal shows as 128+n).
    var status: Int32 { output.terminatedBySignal ? 128 + output.status : output.status }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: output.stdout)
        } catch {
            throw BadReport(description: "could not decode \(type): \(error)\n\(self)")
        }
    }

    var description: String {
        "regkeeper \(arguments.joined(separator: " ")) -> \(output.exitDescription)\n"
            + "stdout: \(output.stdoutText.prefix(3000))\nstderr: \(output.stderrText.prefix(3000))"
    }
}

/// A `{path, message}` warning or error.
struct ReportProblem: Decodable, Sendable, CustomStringConvertible {
    let path: String
    let message: String
    var description: String { "\(path): \(message)" }
}

/// `gc --json`, and the `collection` of `prune-tags --json` (the fields the tests use).
struct CollectionReport: Decodable, Sendable {
    struct BlobEntry: Decodable, Sendable, Hashable { let digest: String; let size: Int64 }
    struct ManifestEntry: Decodable, Sendable, Hashable { let repository: String; let digest: String }
    struct UploadEntry: Decodable, Sendable, Hashable { let repository: String; let id: String; let size: Int64 }

    let dryRun: Bool
    let swept: Bool
    let deletedBlobs: [BlobEntry]
    let deletedManifests: [ManifestEntry]
    let deletedUploads: [UploadEntry]
    let reclaimedBytes: Int64
    let warnings: [ReportProblem]
    let errors: [ReportProblem]

    var deletedBlobDigests: Set<String> { Set(deletedBlobs.map(\.digest)) }
    var deletedBlobBytes: Int64 { deletedBlobs.reduce(0) { $0 + $1.size } }
    /// `repository@digest` of every deleted manifest revision.
    var deletedManifestKeys: Set<String> { Set(deletedManifests.map { "\($0.repository)@\($0.digest)" }) }
}

/// `prune-tags --json`.
struct PruneReport: Decodable, Sendable {
    struct RemovedTag: Decodable, Sendable, Hashable {
        let repository: String
        let tag: String
        let digest: String?
        let pushedAt: String?
        var key: String { "\(repository):\(tag)" }
    }

    let dryRun: Bool
    let removedTags: [RemovedTag]
    let collection: CollectionReport?
    let reclaimedBytes: Int64
    let warnings: [ReportProblem]
    let errors: [ReportProblem]

    /// `repository:tag` of every removed tag.
    var removedKeys: Set<String> { Set(removedTags.map(\.key)) }
}

/// `check --json`.
struct CheckReport: Decodable, Sendable {
    struct Finding: Decodable, Sendable, Hashable, CustomStringConvertible {
        let kind: String
        let path: String
        let message: String
        let repaired: Bool
        var description: String { "\(kind)\(repaired ? " (repaired)" : ""): \(path): \(message)" }

        /// The path relative to the store root (`docker/registry/v2/...`), or the path as given.
        var relativePath: String {
            guard let range = path.range(of: "docker/registry/v2/") else { return path }
            return String(path[range.lowerBound...])
        }
    }

    let ok: Bool
    let counts: [String: Int]
    let findings: [Finding]

    /// `kind relative-path` of each finding, for comparing whole sets.
    var findingKeys: Set<String> { Set(findings.map { "\($0.kind) \($0.relativePath)" }) }
}

/// `du --json`.
struct UsageReport: Decodable, Sendable {
    struct Repository: Decodable, Sendable {
        let name: String
        let tags: Int
        let manifests: Int
        let referencedBytes: Int64
        let totalBytes: Int64
        let exclusiveBytes: Int64
        let sharedBytes: Int64
        let untaggedBytes: Int64
        let unreferencedBytes: Int64
        let staleUploadBytes: Int64
    }

    struct Totals: Decodable, Sendable {
        let blobs: Int
        let blobBytes: Int64
        let referencedBytes: Int64
        let untaggedBytes: Int64
        let unreferencedBytes: Int64
        let staleUploadBytes: Int64
    }

    let repositories: [Repository]
    let totals: Totals
    let errors: [String]

    func repository(_ name: String) -> Repository? { repositories.first { $0.name == name } }
}
