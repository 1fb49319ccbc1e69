import FilesystemStore
import FoundationEssentials
import Inspection
import RegistryStore

/// `regkeeper check`: a store fsck.
enum CheckCommand {
    struct Report: Encodable {
        let command = "check"
        let root: String
        let ok: Bool
        let repositories: Int
        let tags: Int
        let manifests: Int
        let blobs: Int
        let blobsVerified: Int
        let bytesVerified: Int64
        /// Findings per kind.
        let counts: [String: Int]
        let findings: [StoreFinding]
        let durationSeconds: Double
    }

    static func run(_ raw: [String]) -> ExitCode {
        var arguments = Arguments(raw)
        if arguments.flag("--help", "-h") { Terminal.out(Help.check); return .success }
        var options = CheckOptions()
        let json: Bool, quiet: Bool
        let location: StoreLocation
        var metricsPath: String?
        let commandStarted = Terminal.monotonic()
        do {
            metricsPath = try arguments.option("--metrics-file")
            options.verifyBlobs = arguments.flag("--verify-blobs")
            options.repair = arguments.flag("--repair")
            json = arguments.flag("--json")
            quiet = arguments.flag("--quiet", "-q")
            _ = arguments.flag("--verbose", "-v")
            options.jobs = Terminal.processorCount
            options.jobs = try arguments.jobs() ?? options.jobs
            let root = try arguments.option("--root")
            let positionals = try arguments.positionals()
            guard positionals.count <= 1 else { throw Arguments.UsageError(description: "expected at most one CONFIG.yml or ROOT") }
            do {
                location = try StoreLocation.resolve(root: root, argument: positionals.first, environment: Terminal.environment)
            } catch {
                Terminal.error("regkeeper check: \(error)\n")
                return .failure
            }
        } catch {
            Terminal.error("regkeeper check: \(error)\nRun 'regkeeper check --help' for the options.\n")
            return .usage
        }
        let started = Terminal.monotonic()
        let result: StoreChecker<FilesystemBackend>.Result
        do {
            let backend = try FilesystemBackend(root: location.root)
            let lock = options.repair ? try backend.lock() : nil
            let showProgress = !quiet && !json && Terminal.errorIsTerminal
            result = try StoreChecker(backend: backend, options: options).run { done, total in
                if showProgress && (done % 256 == 0 || done == total) {
                    Terminal.error("\r\u{1B}[2Kregkeeper check: verifying blobs \(done)/\(total)")
                }
            }
            if showProgress && options.verifyBlobs { Terminal.error("\r\u{1B}[2K") }
            withExtendedLifetime(lock) {}
        } catch {
            Terminal.error("regkeeper check: \(error)\n")
            MetricsFile.emit(metricsPath, command: "check", code: .failure, started: commandStarted)
            return .failure
        }
        let open = result.findings.filter { !$0.repaired }
        var counts: [String: Int] = [:]
        for finding in result.findings { counts[finding.kind.rawValue, default: 0] += 1 }
        let report = Report(root: location.root, ok: open.isEmpty, repositories: result.repositories, tags: result.tags,
                            manifests: result.manifests, blobs: result.blobs, blobsVerified: result.blobsVerified,
                            bytesVerified: result.bytesVerified, counts: counts, findings: result.findings,
                            durationSeconds: Double(Terminal.monotonic() - started) / 1e9)
        if json {
            Terminal.out(GCCommand.encode(report))
        } else {
            var out = "regkeeper check: \(location.root)\n"
            out += "  \(SummaryText.count(result.repositories, "repository", "repositories")), \(SummaryText.count(result.tags, "tag")), "
                + "\(SummaryText.count(result.manifests, "manifest")), \(SummaryText.count(result.blobs, "blob"))"
                + (options.verifyBlobs ? ", \(result.blobsVerified) verified (\(ByteCountText.format(result.bytesVerified)))" : "") + "\n"
            if result.findings.isEmpty {
                out += "  no problems found\n"
            } else {
                for finding in result.findings {
                    out += "  \(finding.repaired ? "repaired" : finding.kind.rawValue): \(finding.path): \(finding.message)\n"
                }
                out += "  \(SummaryText.count(open.count, "problem")) left"
                    + (options.repair ? "" : "; --repair removes dangling and bad link files (never data)") + "\n"
            }
            Terminal.out(out)
        }
        let code: ExitCode = open.isEmpty ? .success : .markErrors
        return MetricsFile.emit(metricsPath, command: "check", code: code, started: commandStarted) { metrics in
            for kind in StoreFinding.Kind.allCases {
                metrics.gauge("problems", Double(open.count { $0.kind == kind }), help: "Problems found and not repaired, by kind.",
                              labels: ["kind": kind.rawValue])
            }
            metrics.gauge("repaired", Double(result.findings.count { $0.repaired }), help: "Link files removed by --repair.")
            metrics.gauge("blobs_verified", Double(result.blobsVerified), help: "Blobs hashed by --verify-blobs.")
            metrics.gauge("blobs", Double(result.blobs), help: "Blobs in the store.")
        }
    }
}
