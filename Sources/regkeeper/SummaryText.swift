import Collector
import RegistryStore

/// The human summary of `regkeeper gc`.
enum SummaryText {
    static func render(report: CollectionReport, result: CollectionResult, options: CollectionOptions, verbose: Bool) -> String {
        var out = ""
        let s = report.statistics
        let mode = options.deleteUntagged ? " --delete-untagged" : ""
        out += "regkeeper gc\(mode): \(report.root)\(options.dryRun ? " (dry run: nothing deleted)" : "")\n"
        out += "  scanned   \(count(s.repositories, "repository", "repositories")), \(count(s.manifests, "manifest")), "
            + "\(count(s.tags, "tag")), \(count(s.blobs, "blob")) (\(ByteCountText.format(s.blobBytes)))\n"
        out += "  marked    \(s.markedBlobs) blobs in use"
            + (s.youngBlobsKept > 0 ? ", \(s.youngBlobsKept) unreferenced but younger than --min-age kept" : "") + "\n"
        if !result.errors.isEmpty {
            out += "\nNothing was deleted: the mark phase met \(result.errors.count) problem(s) it cannot safely ignore:\n"
            for problem in result.errors { out += "  error: \(problem.path): \(problem.message)\n" }
            out += "Fix or remove what is listed, then run again (use --dry-run to check).\n"
        } else {
            let verb = options.dryRun ? "would delete" : (report.completed ? "deleted" : "deleted (partly)")
            out += "  \(verb) \(count(report.deletedBlobs.count, "blob")) (\(ByteCountText.format(report.deletedBlobs.reduce(0) { $0 + $1.size }))), "
                + "\(count(report.deletedManifests.count, "manifest")), \(count(report.deletedTagIndexEntries.count, "tag-history entry", "tag-history entries")), "
                + "\(count(report.deletedLayerLinks.count, "layer link")), \(count(report.deletedUploads.count, "upload"))"
                + (report.removedRepositories.isEmpty ? "" : ", \(count(report.removedRepositories.count, "repository", "repositories"))")
                + (report.removedEmptyDirectories == 0 ? "" : ", \(count(report.removedEmptyDirectories, "empty directory", "empty directories"))") + "\n"
            out += "  \(options.dryRun ? "would reclaim" : "reclaimed") \(ByteCountText.format(report.reclaimedBytes))"
                + " in \(DurationText.format3(report.durationSeconds))s\n"
        }
        if verbose {
            out += breakdown(report)
        }
        let warnings = report.warnings
        if !warnings.isEmpty {
            if verbose || warnings.count <= 5 {
                for w in warnings { out += "  warning: \(w.path): \(w.message)\n" }
            } else {
                out += "  \(warnings.count) warnings (run with --verbose or --json to list them)\n"
            }
        }
        if report.registryRestartRequired {
            out += "\nThe registry caches blob descriptors (storage.cache.blobdescriptor): restart it now, or it will\n"
                + "keep answering that deleted blobs exist and re-pushed images will be broken.\n"
        }
        return out
    }

    /// `1 blob`, `3 blobs`.
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
    }

    private static func breakdown(_ report: CollectionReport) -> String {
        var perRepository: [String: (manifests: Int, history: Int, links: Int, uploads: Int)] = [:]
        for m in report.deletedManifests { perRepository[m.repository, default: (0, 0, 0, 0)].manifests += 1 }
        for t in report.deletedTagIndexEntries { perRepository[t.repository, default: (0, 0, 0, 0)].history += 1 }
        for l in report.deletedLayerLinks { perRepository[l.repository, default: (0, 0, 0, 0)].links += 1 }
        for u in report.deletedUploads { perRepository[u.repository, default: (0, 0, 0, 0)].uploads += 1 }
        var out = ""
        if !perRepository.isEmpty {
            out += "\n  per repository: manifests, tag-history entries, layer links, uploads\n"
            for name in perRepository.keys.sorted() {
                let r = perRepository[name]!
                out += "    \(name): \(r.manifests), \(r.history), \(r.links), \(r.uploads)\n"
            }
        }
        for m in report.deletedManifests { out += "  manifest \(m.repository)@\(m.digest)\n" }
        for b in report.deletedBlobs { out += "  blob \(b.digest) \(ByteCountText.format(b.size))\n" }
        for u in report.deletedUploads { out += "  upload \(u.repository) \(u.id) started \(u.startedAt ?? "?")\n" }
        for r in report.removedRepositories { out += "  repository \(r)\n" }
        return out
    }
}
