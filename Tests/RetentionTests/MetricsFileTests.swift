import Foundation
import RegistryFixtures
import Testing

/// `--metrics-file` of `prune-tags` and `check`: Prometheus text for node_exporter's textfile
/// collector, written to a temporary file and renamed.
@Suite("--metrics-file of prune-tags and check")
struct MetricsFileTests {
    /// The value of one sample line, e.g. `regkeeper_check_problems{kind="brokenTag"} 1`.
    static func value(_ sample: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(sample + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// Files in the metrics file's directory that look like its temporaries.
    static func leftovers(of metrics: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: metrics.deletingLastPathComponent().path)
            .filter { $0 != metrics.lastPathComponent && $0.contains(metrics.lastPathComponent) }
    }

    /// prune-tags writes success, tags removed and bytes reclaimed (as in its report), and
    /// leaves no temporary file beside the metrics file.
    @Test func pruneTagsWritesItsGauges() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let metrics = copy.directory.url.appendingPathComponent("metrics/regkeeper-prune.prom")
        try FileManager.default.createDirectory(at: metrics.deletingLastPathComponent(), withIntermediateDirectories: true)
        let (run, report) = try await Regkeeper.pruneTags(BroadPrune.arguments + ["--metrics-file", metrics.path], root: copy.root)
        Expect.pruned(run, report)
        let text = try String(contentsOf: metrics, encoding: .utf8)
        #expect(Self.value("regkeeper_prune_tags_success", in: text) == 1, "\(text)")
        #expect(Self.value("regkeeper_prune_tags_removed_tags", in: text) == Double(report.removedTags.count))
        #expect(Self.value("regkeeper_prune_tags_reclaimed_bytes", in: text) == Double(report.reclaimedBytes))
        #expect(Self.value("regkeeper_prune_tags_last_success_timestamp_seconds", in: text) != nil)
        #expect(text.contains("# TYPE regkeeper_prune_tags_success gauge"))
        let leftovers = try Self.leftovers(of: metrics)
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    /// check writes `regkeeper_check_problems{kind="..."}` for every kind: all 0 on a clean store
    /// with success 1; after damage the kinds found (exit status 3), and the earlier success time kept.
    @Test func checkWritesProblemsByKind() async throws {
        let copy = try await ScenarioCopy.make()
        defer { copy.remove() }
        let metrics = copy.directory.url.appendingPathComponent("metrics/regkeeper-check.prom")
        try FileManager.default.createDirectory(at: metrics.deletingLastPathComponent(), withIntermediateDirectories: true)
        let kinds = ["brokenTag", "danglingRevision", "danglingLayerLink", "badLinkFile", "badManifest", "corruptBlob",
                     "strayEntry", "temporaryLeftover", "unreadable"]

        let (clean, _) = try await Regkeeper.check(["--metrics-file", metrics.path], root: copy.root)
        Expect.status(clean, 0)
        let first = try String(contentsOf: metrics, encoding: .utf8)
        #expect(Self.value("regkeeper_check_success", in: first) == 1, "\(first)")
        for kind in kinds {
            #expect(Self.value("regkeeper_check_problems{kind=\"\(kind)\"}", in: first) == 0, "\(kind) in\n\(first)")
        }
        let lastSuccess = try #require(Self.value("regkeeper_check_last_success_timestamp_seconds", in: first))

        _ = try Damage(copy: copy).deleteLayerOfBuild1()
        let (damaged, _) = try await Regkeeper.check(["--metrics-file", metrics.path], root: copy.root)
        Expect.status(damaged, 3)
        let second = try String(contentsOf: metrics, encoding: .utf8)
        for kind in kinds {
            let expected: Double = ["brokenTag", "danglingLayerLink"].contains(kind) ? 1 : 0
            #expect(Self.value("regkeeper_check_problems{kind=\"\(kind)\"}", in: second) == expected, "\(kind) in\n\(second)")
        }
        #expect(Self.value("regkeeper_check_exit_code", in: second) == 3)
        #expect(Self.value("regkeeper_check_last_success_timestamp_seconds", in: second) == lastSuccess)
        let leftovers = try Self.leftovers(of: metrics)
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }
}
