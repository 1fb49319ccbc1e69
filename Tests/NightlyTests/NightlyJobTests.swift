import Foundation
import RegistryFixtures
import Testing

/// `Scripts/regkeeper-nightly` against the real registry (Debian's `docker-registry`), whose
/// read-only window is what a compose setup does: a restart with
/// `REGISTRY_STORAGE_MAINTENANCE_READONLY='{"enabled": true}'` (here by `Helpers/registryctl`).
@Suite("Scripts/regkeeper-nightly against the real registry")
struct NightlyJobTests {
    /// Every log line starts with a UTC timestamp.
    static func expectTimestamped(_ run: NightlyRun, sourceLocation: SourceLocation = #_sourceLocation) {
        let unstamped = run.logLines.filter { $0.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ .+/) == nil }
        #expect(!run.logLines.isEmpty && unstamped.isEmpty, "lines without a timestamp: \(unstamped)\n\(run)", sourceLocation: sourceLocation)
    }

    /// Pushes an image to the registry: throws unless every request succeeds.
    static func push(to registry: ControlledRegistry, repository: String, seed: UInt64) async throws {
        var builder = ImageBuilder(seed: seed)
        let image = builder.image(.docker, newLayers: 1, layerSize: 1500)
        try await registry.client.push(image, to: repository, tag: "after-nightly")
    }

    /// The whole night: read-only window (pushes refused while prune-tags and gc run), the
    /// collection deletes exactly what `gc --delete-untagged` must, the registry is read-write
    /// afterwards, its blob-descriptor cache forgot the deleted blobs, the backup restores to the
    /// same tree, metrics and reports are written, and with --log-file a good night prints nothing.
    @Test func nightWithReadOnlyWindow() async throws {
        let bench = try await NightlyBench.make(blobDescriptorCache: true)
        defer { bench.remove() }
        let record = bench.record
        // Warm the registry's cache with a blob the collection will delete.
        let orphan = try #require(record.unreferencedBlobs.first)
        #expect(try await bench.registry.client.send("HEAD", "/v2/\(orphan.repository)/blobs/\(orphan.digest)").status == 200)

        let run = try await bench.run(["--log-file", bench.logFile.path])
        try #require(run.status == 0, "\(run)")
        #expect(run.output.stdout.isEmpty && run.output.stderr.isEmpty, "a good night must print nothing (cron mails output)\n\(run)")
        Self.expectTimestamped(run)
        let storeAfterRun = try treeContent(bench.root)

        // The window: read-only switched on before and off after the collection; pushes refused in between.
        #expect(bench.registry.calls == ["readonly ok", "readwrite ok"], "\(run)")
        #expect(bench.registry.probes == [
            .init(subcommand: "prune-tags", status: 405, mode: "ro"), .init(subcommand: "gc", status: 405, mode: "ro"),
        ], "\(run)")
        #expect(!run.lines(containing: "the registry is read-only").isEmpty)

        // The collection: prune-tags removed one of library/alpine's two tags, gc -m deleted what it must.
        let remaining = try bench.copy.snapshot().blobDigests
        #expect(remaining == record.blobsPresent.subtracting(record.expectedDeletedBlobsUntagged),
                "left: \(remaining.subtracting(record.blobsPresent.subtracting(record.expectedDeletedBlobsUntagged)))")
        let alpineTags = try await bench.registry.client.tags(of: FixtureStore.Repo.alpine)
        #expect(alpineTags.count == 1 && ["3.19", "latest"].contains(alpineTags.first ?? ""), "\(alpineTags)")
        #expect(run.lines(containing: "prune-tags: removed library/alpine:").count == 1, "\(run)")

        // The registry regkeeper's report asked to restart was restarted by the switch back.
        #expect(!run.lines(containing: "regkeeper reports registryRestartRequired").isEmpty, "\(run)")
        #expect(!run.lines(containing: "switching back to read-write restarted the registry").isEmpty, "\(run)")
        #expect(try await bench.registry.client.send("HEAD", "/v2/\(orphan.repository)/blobs/\(orphan.digest)").status == 404)

        // Read-write again: a push succeeds, and every tag still resolves.
        #expect(bench.registry.mode == "rw")
        try await Self.push(to: bench.registry, repository: "nightly/after", seed: 11)
        for tag in record.tags where !(tag.repository == FixtureStore.Repo.alpine && !alpineTags.contains(tag.tag)) {
            let head = try await bench.registry.client.headManifest(tag.tag, in: tag.repository)
            #expect(head.status == 200, "\(tag.repository):\(tag.tag) answers \(head.status)")
        }
        let pull = try await Skopeo.pullAll(
            repository: record.ociIndex.repository, reference: record.ociIndex.tag, from: bench.registry.hostAndPort,
            into: bench.copy.directory.url)
        #expect(pull.succeeded, "\(pull.stderrText)")

        // The backup: one full backup of the store as the night left it, and of the projects.
        let backups = try await bench.backupList()
        #expect(backups.count == 1 && backups.first?.kind == "full", "\(backups)")
        let restored = try await bench.restoreNewest()
        #expect(try treeContent(restored.appendingPathComponent("registry")) == storeAfterRun, "restored registry differs")
        #expect(try treeContent(restored.appendingPathComponent("projects")) == treeContent(bench.projects), "restored projects differ")

        // Metrics of every step and of the night, and the kept reports.
        for (file, prefix) in [("regkeeper-prune-tags.prom", "regkeeper_prune_tags"), ("regkeeper-gc.prom", "regkeeper_gc"),
                               ("regkeeper-backup.prom", "regkeeper_backup"), ("regkeeper-nightly.prom", "regkeeper_nightly")] {
            #expect(metricValue("\(prefix)_success", in: bench.metricsText(file)) == 1, "\(file): \(bench.metricsText(file) ?? "missing")")
        }
        let nightly = bench.metricsText("regkeeper-nightly.prom")
        for step in ["readonly", "prune-tags", "gc", "readwrite", "backup"] {
            #expect(metricValue("regkeeper_nightly_step_success{step=\"\(step)\"}", in: nightly) == 1, "\(step)\n\(nightly ?? "")")
        }
        #expect(metricValue("regkeeper_gc_deleted_blobs", in: bench.metricsText("regkeeper-gc.prom")).map { $0 > 0 } == true)
        let report = try Data(contentsOf: bench.reports.appendingPathComponent("last-gc.json"))
        let gc = try #require(try JSONSerialization.jsonObject(with: report) as? [String: Any])
        #expect(gc["swept"] as? Bool == true)
        #expect(FileManager.default.fileExists(atPath: bench.reports.appendingPathComponent("last-prune-tags.json").path))
    }

    /// A store gc refuses (a garbage link file): the script exits non-zero, says why (the path),
    /// still switches the registry back to read-write and still writes the backup; prune-tags and
    /// gc are both reported as failed, and with --log-file the failing night's log goes to stderr.
    @Test func gcFailureStillSwitchesBackAndBacksUp() async throws {
        let bench = try await NightlyBench.make()
        defer { bench.remove() }
        let record = bench.record
        let link = try bench.plantGarbageLink(repository: record.mountTarget, digest: record.mountedLayer)
        let blobsBefore = try bench.copy.snapshot().blobDigests

        let run = try await bench.run(["--log-file", bench.logFile.path])
        #expect(run.status == 1, "\(run)")
        Self.expectTimestamped(run)
        // Cron mails what the job prints: the whole log of the failing run, nothing on stdout.
        #expect(run.output.stdout.isEmpty)
        #expect(run.output.stderrText == run.log, "stderr must be this run's log\n\(run)")

        #expect(bench.registry.calls == ["readonly ok", "readwrite ok"], "\(run)")
        #expect(bench.registry.probes.map(\.status) == [405, 405], "\(bench.registry.probes)")
        #expect(try bench.copy.snapshot().blobDigests == blobsBefore, "nothing may be deleted\n\(run)")
        #expect(bench.registry.mode == "rw")
        try await Self.push(to: bench.registry, repository: "nightly/after", seed: 12)

        #expect(!run.lines(containing: "gc: error: \(link.path)").isEmpty, "the bad link's path must be logged\n\(run)")
        #expect(!run.lines(containing: "prune-tags: FAILED: exit 3").isEmpty, "\(run)")
        #expect(!run.lines(containing: "gc: FAILED: exit 3").isEmpty, "\(run)")
        let last = try #require(run.logLines.last)
        #expect(last.contains("FAILED") && last.contains("prune-tags (exit 3)") && last.contains("gc (exit 3)"), "\(last)")

        // Nothing after the failure was skipped: read-write, restart check, backup.
        #expect(!run.lines(containing: "readwrite: the registry is read-write again").isEmpty)
        #expect(!run.lines(containing: "restart: not needed").isEmpty)
        #expect(try await bench.backupList().count == 1)

        let gcMetrics = bench.metricsText("regkeeper-gc.prom")
        #expect(metricValue("regkeeper_gc_success", in: gcMetrics) == 0)
        #expect(metricValue("regkeeper_gc_exit_code", in: gcMetrics) == 3)
        let nightly = bench.metricsText("regkeeper-nightly.prom")
        #expect(metricValue("regkeeper_nightly_success", in: nightly) == 0)
        #expect(metricValue("regkeeper_nightly_failed_steps", in: nightly) == 2)
        #expect(metricValue("regkeeper_nightly_step_success{step=\"gc\"}", in: nightly) == 0)
        #expect(metricValue("regkeeper_nightly_step_success{step=\"readwrite\"}", in: nightly) == 1)
        #expect(metricValue("regkeeper_nightly_step_success{step=\"backup\"}", in: nightly) == 1)
        #expect(metricValue("regkeeper_nightly_last_success_timestamp_seconds", in: nightly) == nil, "never succeeded")
    }

    /// If the registry cannot be switched to read-only, prune-tags and gc are skipped, loudly
    /// (logged, counted as failures), the switch back still runs, and the backup is still written.
    @Test func readOnlySwitchFailureSkipsTheCollectionLoudly() async throws {
        let bench = try await NightlyBench.make()
        defer { bench.remove() }
        try bench.registry.failNext("readonly")
        let before = try bench.copy.snapshot()

        let run = try await bench.run()
        #expect(run.status == 1, "\(run)")
        Self.expectTimestamped(run)
        #expect(bench.registry.calls == ["readonly failed-by-request", "readwrite ok"], "\(run)")
        #expect(bench.registry.probes.isEmpty, "gc or prune-tags ran: \(bench.registry.probes)")
        #expect(try bench.copy.snapshot().blobDigests == before.blobDigests)
        #expect(!run.lines(containing: "prune-tags: SKIPPED because the registry could not be switched to read-only").isEmpty, "\(run)")
        #expect(!run.lines(containing: "gc: SKIPPED because the registry could not be switched to read-only").isEmpty, "\(run)")
        let last = try #require(run.logLines.last)
        #expect(last.contains("readonly (exit 1)") && last.contains("gc (skipped"), "\(last)")
        #expect(try await bench.backupList().count == 1)
        let nightly = bench.metricsText("regkeeper-nightly.prom")
        #expect(metricValue("regkeeper_nightly_step_success{step=\"readonly\"}", in: nightly) == 0)
        #expect(metricValue("regkeeper_nightly_step_success{step=\"gc\"}", in: nightly) == 0)
        #expect(metricValue("regkeeper_nightly_failed_steps", in: nightly) == 3)
    }

    /// A stop request (SIGTERM) while gc runs: the script lets gc finish, switches the registry
    /// back to read-write, runs nothing more, and exits 143.
    @Test func stopRequestDuringGCStillSwitchesBack() async throws {
        let bench = try await NightlyBench.make()
        defer { bench.remove() }
        try bench.registry.terminateScript(on: "gc")

        let run = try await bench.run()
        #expect(run.status == 143, "\(run)")
        #expect(!run.lines(containing: "received SIGTERM").isEmpty, "\(run)")
        #expect(bench.registry.calls == ["readonly ok", "readwrite ok"], "\(run)")
        #expect(bench.registry.mode == "rw")
        try await Self.push(to: bench.registry, repository: "nightly/after", seed: 13)
        #expect(try await bench.backupList().isEmpty, "no step may run after the stop request")
        let nightly = bench.metricsText("regkeeper-nightly.prom")
        #expect(metricValue("regkeeper_nightly_exit_code", in: nightly) == 143)
        #expect(metricValue("regkeeper_nightly_step_success{step=\"readwrite\"}", in: nightly) == 1)
    }

    /// Without the read-only window, a registry with a blob-descriptor cache is restarted after
    /// the sweep (regkeeper reports registryRestartRequired because STORE is its config.yml):
    /// before the restart it still answered 200 for a deleted blob, afterwards 404.
    @Test func restartAfterSweepClearsTheBlobDescriptorCache() async throws {
        let bench = try await NightlyBench.make(blobDescriptorCache: true, probe: false)
        defer { bench.remove() }
        bench.settings["READONLY_WINDOW"] = "no"
        bench.settings["PRUNE_POLICY"] = ""
        bench.settings["GC_DELETE_UNTAGGED"] = "no"
        let orphan = try #require(bench.record.unreferencedBlobs.first)
        let blobPath = "/v2/\(orphan.repository)/blobs/\(orphan.digest)"
        #expect(try await bench.registry.client.send("HEAD", blobPath).status == 200)

        let run = try await bench.run()
        #expect(run.status == 0, "\(run)")
        #expect(bench.registry.calls == ["restart ok"], "\(run)")
        #expect(!run.lines(containing: "READONLY_WINDOW=no").isEmpty)
        #expect(!run.lines(containing: "prune-tags: not configured").isEmpty)
        #expect(!run.lines(containing: "restart: regkeeper reported registryRestartRequired").isEmpty, "\(run)")
        #expect(!FileManager.default.fileExists(atPath: StoreLayout.blobData(bench.root, orphan.digest).path))
        #expect(try await bench.registry.client.send("HEAD", blobPath).status == 404)
        #expect(metricValue("regkeeper_nightly_registry_restarted", in: bench.metricsText("regkeeper-nightly.prom")) == 1)
    }

    /// The same night with RESTART_AFTER_GC=never: the script warns, and the registry still
    /// answers 200 for the deleted blob (why the restart matters).
    @Test func withoutTheRestartTheCacheStaysStale() async throws {
        let bench = try await NightlyBench.make(blobDescriptorCache: true, probe: false)
        defer { bench.remove() }
        bench.settings["READONLY_WINDOW"] = "no"
        bench.settings["PRUNE_POLICY"] = ""
        bench.settings["GC_DELETE_UNTAGGED"] = "no"
        bench.settings["RESTART_AFTER_GC"] = "never"
        let orphan = try #require(bench.record.unreferencedBlobs.first)
        let blobPath = "/v2/\(orphan.repository)/blobs/\(orphan.digest)"
        #expect(try await bench.registry.client.send("HEAD", blobPath).status == 200)

        let run = try await bench.run()
        #expect(run.status == 0, "\(run)")
        #expect(bench.registry.calls.isEmpty)
        #expect(!run.lines(containing: "WARNING: regkeeper says the registry must be restarted").isEmpty, "\(run)")
        #expect(!FileManager.default.fileExists(atPath: StoreLayout.blobData(bench.root, orphan.digest).path))
        #expect(try await bench.registry.client.send("HEAD", blobPath).status == 200, "the registry's cache still lists the deleted blob")
    }

    /// The default registry control, `docker compose` (here a fake `docker` that drives the test
    /// registry): read-only through a compose override file giving the service
    /// REGISTRY_STORAGE_MAINTENANCE_READONLY, whose value the real registry accepts (pushes
    /// answer 405), then `up -d` without it.
    @Test func defaultComposeCommands() async throws {
        let bench = try await NightlyBench.make()
        defer { bench.remove() }
        for key in ["READONLY_CMD", "READWRITE_CMD", "RESTART_CMD"] { bench.settings[key] = nil }
        let compose = bench.projects.appendingPathComponent("docker-compose-core.yml")
        bench.settings["COMPOSE_FILE"] = compose.path
        bench.settings["COMPOSE_SERVICE"] = "registry"
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        bench.environment = ["PATH": NightlyPaths.fakeDockerDirectory.path + ":" + path, "FAKE_DOCKER_STATE": bench.registry.state.path]

        let run = try await bench.run()
        #expect(run.status == 0, "\(run)")
        let dockerCalls = (try? String(contentsOf: bench.registry.state.appendingPathComponent("docker-calls"), encoding: .utf8)) ?? ""
        let calls = dockerCalls.split(separator: "\n").map(String.init)
        #expect(calls.count == 2, "\(calls)")
        #expect(calls.first?.hasPrefix("compose -f \(compose.path) -f ") == true && calls.first?.hasSuffix(" up -d --no-deps --wait registry") == true,
                "\(calls)")
        #expect(calls.last == "compose -f \(compose.path) up -d --no-deps --wait registry", "\(calls)")
        #expect(bench.registry.calls == ["readonly ok", "readwrite ok"], "\(run)")
        #expect(bench.registry.probes.map(\.status) == [405, 405], "\(bench.registry.probes)\n\(bench.registry.log)")
        try await Self.push(to: bench.registry, repository: "nightly/after", seed: 14)
    }

    /// --dry-run: prune-tags and gc plan only, the registry is neither switched nor restarted,
    /// no backup and no metrics are written, and the store is byte-for-byte unchanged.
    @Test func dryRunChangesNothing() async throws {
        let bench = try await NightlyBench.make(probe: false)
        defer { bench.remove() }
        let before = try bench.copy.snapshot()

        let run = try await bench.run(["--dry-run"])
        #expect(run.status == 0, "\(run)")
        Self.expectTimestamped(run)
        #expect(try bench.copy.snapshot().differences(from: before).isEmpty)
        #expect(bench.registry.calls.isEmpty, "\(bench.registry.calls)")
        #expect(!run.lines(containing: "prune-tags: would remove library/alpine:").isEmpty, "\(run)")
        #expect(!run.lines(containing: "gc: would delete").isEmpty, "\(run)")
        #expect(!run.lines(containing: "backup: dry run: not written; would run:").isEmpty, "\(run)")
        #expect(!FileManager.default.fileExists(atPath: bench.backups.path))
        #expect(!FileManager.default.fileExists(atPath: bench.metrics.path))
        #expect(!FileManager.default.fileExists(atPath: bench.reports.path))
    }
}
