import Foundation
import RegistryFixtures
import Testing

/// `--metrics-file`: Prometheus text for node_exporter's textfile collector.
@Suite("--metrics-file")
struct MetricsFileTests {
    /// The value of one sample line, e.g. `regkeeper_gc_success 1`.
    private func value(_ metric: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(metric + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }

    @Test("gc writes its gauges, and a failed run keeps the last success time")
    func gcWritesGaugesAndKeepsLastSuccess() async throws {
        let copy = try await FixtureCopy.make()
        defer { copy.remove() }
        let metrics = copy.root.deletingLastPathComponent().appendingPathComponent("regkeeper-\(UUID().uuidString).prom")
        defer { try? FileManager.default.removeItem(at: metrics) }

        let (run, report) = try await Regkeeper.gcReport(["--min-age", "0", "--metrics-file", metrics.path, copy.root.path])
        StoreChecks.expectStatus(run, 0)
        let first = try String(contentsOf: metrics, encoding: .utf8)
        #expect(value("regkeeper_gc_success", in: first) == 1)
        #expect(value("regkeeper_gc_reclaimed_bytes", in: first) == Double(report.reclaimedBytes))
        #expect(value("regkeeper_gc_deleted_blobs", in: first) == Double(report.deletedBlobs.count))
        #expect(first.contains("# TYPE regkeeper_gc_duration_seconds gauge"))
        let lastSuccess = try #require(value("regkeeper_gc_last_success_timestamp_seconds", in: first))

        let failed = try await Regkeeper.gc(["--metrics-file", metrics.path, copy.root.appendingPathComponent("no-such-store").path])
        StoreChecks.expectStatus(failed, 1)
        let second = try String(contentsOf: metrics, encoding: .utf8)
        #expect(value("regkeeper_gc_success", in: second) == 0)
        #expect(value("regkeeper_gc_last_success_timestamp_seconds", in: second) == lastSuccess)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: metrics.deletingLastPathComponent().path).filter { $0.hasSuffix(".tmp") && $0.contains(metrics.lastPathComponent) }
        #expect(leftovers.isEmpty)
    }
}
