import Foundation

/// The registry's own `docker-registry garbage-collect`, as a reference to compare against.
public enum StockGarbageCollector {
    /// What one run did.
    public struct Result: Sendable {
        /// Exit status and output.
        public let output: ProcessOutput
        /// Digests from `blob eligible for deletion: sha256:...` lines (dry-run and real runs both print them).
        public let eligibleBlobs: Set<String>
        /// Digests from `manifest eligible for deletion: sha256:...` lines (`--delete-untagged`).
        public let eligibleManifests: Set<String>

        /// True when it exited 0.
        public var succeeded: Bool { output.succeeded }
    }

    /// Runs `docker-registry garbage-collect [--dry-run] [--delete-untagged] CONFIG` with an
    /// environment free of `REGISTRY_*`.
    public static func run(config: URL, dryRun: Bool = false, deleteUntagged: Bool = false) async throws -> Result {
        var arguments = ["garbage-collect"]
        if dryRun { arguments.append("--dry-run") }
        if deleteUntagged { arguments.append("--delete-untagged") }
        arguments.append(config.path)
        let output = try await Subprocess.run("docker-registry", arguments)
        let text = output.combinedText
        return Result(
            output: output,
            eligibleBlobs: digests(after: "blob eligible for deletion: ", in: text),
            eligibleManifests: digests(after: "manifest eligible for deletion: ", in: text))
    }

    /// Runs it and throws unless it exited 0.
    public static func runChecked(config: URL, dryRun: Bool = false, deleteUntagged: Bool = false) async throws -> Result {
        let result = try await run(config: config, dryRun: dryRun, deleteUntagged: deleteUntagged)
        guard result.succeeded else {
            throw CommandFailure(command: "docker-registry garbage-collect \(config.path)", output: result.output)
        }
        return result
    }

    /// Every `sha256:<64 hex>` that directly follows `marker` in `text`.
    static func digests(after marker: String, in text: String) -> Set<String> {
        var found = Set<String>()
        for line in text.split(whereSeparator: \.isNewline) {
            guard let range = line.range(of: marker) else { continue }
            let candidate = line[range.upperBound...].prefix(71)
            if candidate.count == 71, candidate.hasPrefix("sha256:") { found.insert(String(candidate)) }
        }
        return found
    }
}
