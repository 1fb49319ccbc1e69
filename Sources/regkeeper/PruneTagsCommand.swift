import Collector
import FilesystemStore
import FoundationEssentials
import RegistryStore

/// `regkeeper prune-tags`: parses the rules, runs the pruner (and collection), prints.
enum PruneTagsCommand {
    static func run(_ raw: [String]) -> ExitCode {
        var arguments = Arguments(raw)
        if arguments.flag("--help", "-h") { Terminal.out(Help.pruneTags); return .success }
        var options = PruneOptions()
        let json: Bool, verbose: Bool
        let policy: RetentionPolicy
        let location: StoreLocation
        var metricsPath: String?
        let commandStarted = Terminal.monotonic()
        do {
            metricsPath = try arguments.option("--metrics-file")
            options.dryRun = arguments.flag("--dry-run", "-n")
            options.collect = !arguments.flag("--no-gc")
            options.pruneOrphanSignatures = arguments.flag("--prune-orphan-signatures")
            json = arguments.flag("--json")
            verbose = arguments.flag("--verbose", "-v")
            _ = arguments.flag("--quiet", "-q")
            options.jobs = Terminal.processorCount
            options.jobs = try arguments.jobs() ?? options.jobs
            options.collection.minimumAge = try arguments.duration("--min-age") ?? options.collection.minimumAge
            let policyFile = try arguments.option("--policy")
            var rule = RetentionRule(repository: try arguments.option("--repo") ?? "*")
            if let text = try arguments.option("--keep-last") {
                guard let n = Int(text), n >= 0 else { throw Arguments.UsageError(description: "--keep-last: '\(text)' is not a count") }
                rule.keepLast = n
            }
            rule.keepWithin = try arguments.option("--keep-within")
            rule.keepTags = try arguments.options("--keep-tag")
            rule.match = try arguments.option("--match")
            let root = try arguments.option("--root")
            let positionals = try arguments.positionals()
            guard positionals.count <= 1 else { throw Arguments.UsageError(description: "expected at most one CONFIG.yml or ROOT") }
            let hasRuleFlags = rule.keepLast != nil || rule.keepWithin != nil || !rule.keepTags.isEmpty || rule.match != nil || rule.repository != "*"
            if let policyFile {
                guard !hasRuleFlags else { throw Arguments.UsageError(description: "give either --policy FILE or rule options (--repo, --keep-*, --match), not both") }
                policy = try loadPolicy(policyFile)
            } else if hasRuleFlags {
                policy = RetentionPolicy(rules: [rule])
            } else if options.pruneOrphanSignatures {
                policy = RetentionPolicy(rules: [])
            } else {
                throw Arguments.UsageError(description: "no rule: give --keep-last/--keep-within (with --repo, --keep-tag, --match), --policy FILE, or --prune-orphan-signatures")
            }
            for rule in policy.rules {
                do { try rule.validate() } catch { throw Arguments.UsageError(description: "\(error)") }
            }
            do {
                location = try StoreLocation.resolve(root: root, argument: positionals.first, environment: Terminal.environment)
            } catch {
                Terminal.error("regkeeper prune-tags: \(error)\n")
                return .failure
            }
        } catch {
            Terminal.error("regkeeper prune-tags: \(error)\nRun 'regkeeper prune-tags --help' for the options.\n")
            return .usage
        }

        let started = Terminal.monotonic()
        let result: PruneResult
        do {
            let backend = try FilesystemBackend(root: location.root)
            let lock = try backend.lock()
            result = try TagPruner(backend: backend, policy: policy, options: options).run(now: Terminal.now())
            withExtendedLifetime(lock) {}
        } catch {
            Terminal.error("regkeeper prune-tags: \(error)\n")
            MetricsFile.emit(metricsPath, command: "prune-tags", code: .failure, started: commandStarted)
            return .failure
        }
        let report = PruneReport(result: result, options: options, root: location.root,
                                 blobDescriptorCache: location.configuration?.blobDescriptorCache,
                                 durationSeconds: Double(Terminal.monotonic() - started) / 1e9)
        if json {
            Terminal.out(GCCommand.encode(report))
        } else {
            Terminal.out(render(report, result: result, verbose: verbose))
        }
        let code: ExitCode
        if !result.errors.isEmpty {
            code = .markErrors
        } else if let outcome = result.collection?.outcome, !outcome.completed {
            code = .failure
        } else {
            code = .success
        }
        return MetricsFile.emit(metricsPath, command: "prune-tags", code: code, started: commandStarted) { metrics in
            metrics.gauge("dry_run", options.dryRun ? 1 : 0, help: "1 if the last run was a dry run.")
            metrics.gauge("removed_tags", Double(report.removedTags.count), help: "Tags removed (or that would be).")
            metrics.gauge("reclaimed_bytes", Double(report.reclaimedBytes), help: "Bytes the collection freed (or would free).")
            metrics.gauge("deleted_blobs", Double(report.collection?.deletedBlobs.count ?? 0), help: "Blobs deleted.")
            metrics.gauge("deleted_manifests", Double(report.collection?.deletedManifests.count ?? 0), help: "Manifest revisions deleted.")
            metrics.gauge("errors", Double(report.errors.count + (report.collection?.errors.count ?? 0)), help: "Problems that stopped the run.")
        }
    }

    static func loadPolicy(_ path: String) throws -> RetentionPolicy {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw Arguments.UsageError(description: "--policy: cannot read \(path)")
        }
        do { return try RetentionPolicy.decode(Array(data)) } catch {
            throw Arguments.UsageError(description: "--policy: \(path) is not a valid policy (\(error)); see 'regkeeper help prune-tags'")
        }
    }

    static func render(_ report: PruneReport, result: PruneResult, verbose: Bool) -> String {
        var out = "regkeeper prune-tags: \(report.root)\(report.dryRun ? " (dry run: nothing deleted)" : "")\n"
        let verb = report.dryRun ? "would remove" : "removed"
        out += "  \(verb) \(SummaryText.count(report.removedTags.count, "tag"))\n"
        for tag in report.removedTags where verbose || report.removedTags.count <= 20 {
            out += "    \(tag.repository):\(tag.tag)\(tag.pushed.map { "  pushed \(Timestamp.formatRFC3339($0))" } ?? "")\n"
        }
        if report.removedTags.count > 20 && !verbose { out += "    … (--verbose or --json lists all)\n" }
        for error in report.errors { out += "  error: \(error.path): \(error.message)\n" }
        if let collection = report.collection, let gcResult = result.collection {
            out += SummaryText.render(report: collection, result: gcResult, options: {
                var o = CollectionOptions()
                o.dryRun = report.dryRun
                o.deleteUntagged = true
                return o
            }(), verbose: verbose)
        }
        return out
    }
}
