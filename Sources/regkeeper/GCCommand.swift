import Collector
import FilesystemStore
import FoundationEssentials
import RegistryStore
import Synchronization

/// `regkeeper gc`: parses its options, runs the collector, prints the summary or JSON.
enum GCCommand {
    static func run(_ raw: [String]) -> ExitCode {
        var arguments = Arguments(raw)
        if arguments.flag("--help", "-h") {
            Terminal.out(Help.gc)
            return .success
        }
        var options = CollectionOptions()
        let json: Bool, verbose: Bool, quiet: Bool
        var metricsPath: String?
        let started = Terminal.monotonic()
        let location: StoreLocation
        do {
            options.dryRun = arguments.flag("--dry-run", "-n")
            options.deleteUntagged = arguments.flag("--delete-untagged", "-m")
            options.removeEmptyRepositories = arguments.flag("--remove-empty-repos")
            json = arguments.flag("--json")
            verbose = arguments.flag("--verbose", "-v")
            quiet = arguments.flag("--quiet", "-q")
            metricsPath = try arguments.option("--metrics-file")
            options.minimumAge = try arguments.duration("--min-age") ?? options.minimumAge
            options.uploadAge = try arguments.duration("--upload-age") ?? options.uploadAge
            options.jobs = Terminal.processorCount
            options.jobs = try arguments.jobs() ?? options.jobs
            let root = try arguments.option("--root")
            let positionals = try arguments.positionals()
            guard positionals.count <= 1 else {
                throw Arguments.UsageError(description: "expected at most one CONFIG.yml or ROOT, got \(positionals.count): \(positionals.joined(separator: " "))")
            }
            if root != nil && !positionals.isEmpty {
                throw Arguments.UsageError(description: "give either --root or a CONFIG.yml/ROOT argument, not both")
            }
            do {
                location = try StoreLocation.resolve(root: root, argument: positionals.first, environment: Terminal.environment)
            } catch {
                if json {
                    let path = root ?? positionals.first ?? StoreLocation.defaultRoot
                    Terminal.out(encode(CollectionReport(failureAt: path, message: "\(error)", options: options, root: path, durationSeconds: 0)))
                }
                Terminal.error("regkeeper gc: \(error)\n")
                MetricsFile.emit(metricsPath, command: "gc", code: .failure, started: started)
                return .failure
            }
        } catch {
            Terminal.error("regkeeper gc: \(error)\nRun 'regkeeper gc --help' for the options.\n")
            return .usage
        }
        options.rescanBeforeSweep = !options.dryRun

        let result: CollectionResult
        let backend: FilesystemBackend
        do {
            backend = try FilesystemBackend(root: location.root)
            let lock = try backend.lock()
            let progress = PhaseProgress(enabled: !quiet && !json && Terminal.errorIsTerminal)
            result = try GarbageCollector(backend: backend, options: options)
                .run(now: Terminal.now(), clock: Terminal.monotonic, observe: progress.show, sweepProgress: progress.sweep)
            progress.finish()
            withExtendedLifetime(lock) {}
        } catch {
            if json {
                let (path, message) = error.pathAndMessage(root: location.root)
                Terminal.out(encode(CollectionReport(failureAt: path, message: message, options: options, root: location.root,
                                                     durationSeconds: Double(Terminal.monotonic() - started) / 1e9)))
            }
            Terminal.error("regkeeper gc: \(error)\n")
            MetricsFile.emit(metricsPath, command: "gc", code: .failure, started: started) { $0.gauge("errors", 1, help: "Problems that stopped the run.") }
            return .failure
        }
        let seconds = Double(Terminal.monotonic() - started) / 1e9
        let report = CollectionReport(result: result, options: options, root: location.root,
                                      blobDescriptorCache: location.configuration?.blobDescriptorCache,
                                      durationSeconds: seconds)
        if json {
            Terminal.out(encode(report))
        } else {
            Terminal.out(SummaryText.render(report: report, result: result, options: options, verbose: verbose))
        }
        let code: ExitCode
        if !result.errors.isEmpty {
            code = .markErrors
        } else if let outcome = result.outcome, !outcome.completed {
            code = .failure
        } else {
            code = .success
        }
        if json {
            // The JSON goes to stdout; say on stderr too why the run did not succeed.
            for error in report.errors { Terminal.error("regkeeper gc: error: \(error.path): \(error.message)\n") }
        }
        return MetricsFile.emit(metricsPath, command: "gc", code: code, started: started) { metrics in
            metrics.gauge("registry_restart_required", report.registryRestartRequired ? 1 : 0,
                          help: "1 if the registry caches blob descriptors and must be restarted after this sweep.")
            metrics.gauge("dry_run", options.dryRun ? 1 : 0, help: "1 if the last run was a dry run.")
            metrics.gauge("reclaimed_bytes", Double(report.reclaimedBytes), help: "Bytes freed (or, in a dry run, that would be freed).")
            metrics.gauge("deleted_blobs", Double(report.deletedBlobs.count), help: "Blobs deleted.")
            metrics.gauge("deleted_manifests", Double(report.deletedManifests.count), help: "Manifest revisions deleted.")
            metrics.gauge("deleted_layer_links", Double(report.deletedLayerLinks.count), help: "Layer links deleted.")
            metrics.gauge("deleted_uploads", Double(report.deletedUploads.count), help: "Upload sessions deleted.")
            metrics.gauge("blobs", Double(report.statistics.blobs), help: "Blobs in the store when the run began.")
            metrics.gauge("blob_bytes", Double(report.statistics.blobBytes), help: "Bytes of blobs in the store when the run began.")
            metrics.gauge("marked_blobs", Double(report.statistics.markedBlobs), help: "Blobs in use.")
            metrics.gauge("manifests", Double(report.statistics.manifests), help: "Manifest revisions in the store.")
            metrics.gauge("errors", Double(report.errors.count), help: "Problems that stopped the sweep.")
            metrics.gauge("warnings", Double(report.warnings.count), help: "Problems reported but not blocking.")
        }
    }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

extension StoreError {
    /// The path a failure is about and what went wrong, for the JSON `errors` list.
    func pathAndMessage(root: String) -> (String, String) {
        switch self {
        case .access(let path, let reason): return (path, reason)
        case .notAStore(let path), .locked(let path): return (path, description)
        }
    }
}

/// One line on stderr naming the phase being worked on, only when stderr is a terminal.
final class PhaseProgress: Sendable {
    private let enabled: Bool
    private let started = Mutex<Int64>(0)
    private let lastDrawn = Mutex<Int64>(0)
    private let sweepStarted = Mutex<Int64>(0)

    init(enabled: Bool) {
        self.enabled = enabled
        started.withLock { $0 = Terminal.monotonic() }
    }

    func show(_ phase: GarbageCollector<FilesystemBackend>.Phase) {
        guard enabled else { return }
        let elapsed = Double(Terminal.monotonic() - started.withLock { $0 }) / 1e9
        let label: String
        switch phase {
        case .scanning: label = "scanning repositories and blobs"
        case .readingManifests: label = "reading manifests"
        case .planning: label = "marking"
        case .rescanning: label = "re-scanning for pushes made meanwhile"
        case .sweeping:
            label = "sweeping"
            sweepStarted.withLock { $0 = Terminal.monotonic() }
        case .done: label = "done"
        }
        Terminal.error("\r\u{1B}[2Kregkeeper gc: \(label)\(phase == .done ? "" : "…") (\(DurationText.format3(elapsed))s)")
    }

    /// Deletions done of planned, with a rate and an ETA, at most ten times a second.
    func sweep(_ done: Int, _ total: Int) {
        guard enabled else { return }
        let now = Terminal.monotonic()
        let draw = lastDrawn.withLock { last -> Bool in
            guard done == total || now - last >= 100_000_000 else { return false }
            last = now
            return true
        }
        guard draw else { return }
        let seconds = Double(now - sweepStarted.withLock { $0 }) / 1e9
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let eta = rate > 0 && done < total ? ", ETA \(DurationText.format(Int64(Double(total - done) / rate * 1e9)))" : ""
        Terminal.error("\r\u{1B}[2Kregkeeper gc: sweeping — \(done) of \(total) deletions, \(Int(rate))/s\(eta)")
    }

    func finish() {
        if enabled { Terminal.error("\r\u{1B}[2K") }
    }
}
