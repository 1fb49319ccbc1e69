@preconcurrency import Glibc

/// What a garbage collector should find in the generated store, computed from the model.
struct Expectation {
    var garbage: [String]
    var manifests: [String]  // "repo@sha256:..." revisions whose links a collector deletes
    var bytes: Int
}

extension Generator {
    /// Mark from live revisions; `taggedOnly` drops untagged ones (--delete-untagged).
    /// `recurse` also keeps, recursively, the children of kept indexes and the OCI referrers of
    /// kept manifests: what a collector must do so that every tag still pulls with its
    /// signatures and SBOMs. Distribution 2.8 marks one level (an index's children's manifest
    /// blobs, not their configs and layers) and knows nothing of referrers.
    func expectation(taggedOnly: Bool, recurse: Bool) -> Expectation {
        var marked = Set<String>()
        var doomed: [String] = []
        for repo in repositories {
            let tagged = Set(repo.current.values)
            let live = repo.revisions.filter { !repo.deleted.contains($0) }
            var keep = Set<String>()
            func visit(_ hex: String) {
                guard keep.insert(hex).inserted else { return }
                marked.insert(hex)
                guard let info = manifests[hex] else { return }
                for ref in info.references {
                    marked.insert(ref)
                    if recurse, info.kind.isIndex, repo.revisionSet.contains(ref), !repo.deleted.contains(ref) { visit(ref) }
                }
                if recurse {
                    for referrer in repo.referrers[hex, default: []] where !repo.deleted.contains(referrer) { visit(referrer) }
                }
            }
            for hex in live where !taggedOnly || tagged.contains(hex) { visit(hex) }
            for hex in live where !keep.contains(hex) { doomed.append("\(repo.name)@sha256:\(hex)") }
        }
        let garbage = blobOrder.filter { !marked.contains($0) }
        return Expectation(garbage: garbage.map { "sha256:" + $0 }.sorted(), manifests: doomed.sorted(),
                           bytes: garbage.reduce(0) { $0 + blobSizes[$1]! })
    }

    func writeExpectations(to dir: String) -> [String: Expectation] {
        let cases: [(String, Expectation)] = [
            ("default", expectation(taggedOnly: false, recurse: false)),
            ("untagged-2.8", expectation(taggedOnly: true, recurse: false)),
            ("untagged-reachable", expectation(taggedOnly: true, recurse: true)),
        ]
        for (name, e) in cases {
            writer.write("\(dir)/\(name).blobs", e.garbage.map { $0 + "\n" }.joined())
            writer.write("\(dir)/\(name).manifests", e.manifests.map { $0 + "\n" }.joined())
        }
        return Dictionary(uniqueKeysWithValues: cases)
    }
}

@main
struct StoreGenerator {
    static func main() {
        let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
        let out = absolutePath(options.out)
        if pathIsOccupied(out) { fail("\(out) exists and is not an empty directory") }
        let start = clock()
        var t0 = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t0)

        let generator = Generator(options: options, root: out + "/store")
        generator.run()
        let expected = generator.writeExpectations(to: out + "/expected")
        let config = """
            # Written by store-generator for `docker-registry garbage-collect`.
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(out)/store
              delete:
                enabled: true
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: 127.0.0.1:0

            """
        generator.writer.write(out + "/config.yml", config)
        let storeFiles = generator.writer.files, storeDirectories = generator.writer.directories
        var projects: ProjectsWriter?
        if options.projects > 0 {
            var p = ProjectsWriter(writer: generator.writer, root: out + "/projects", seed: options.seed)
            p.run(projects: options.projects)
            projects = p
        }

        let repos = generator.repositories
        let revisions = repos.reduce(0) { $0 + $1.revisions.count }
        let deleted = repos.reduce(0) { $0 + $1.deleted.count }
        let tags = repos.reduce(0) { $0 + $1.tagOrder.count }
        let indexEntries = repos.reduce(0) { $0 + $1.history.values.reduce(0) { $0 + $1.count } }
        let layerLinks = repos.reduce(0) { $0 + $1.layerLinks.count }
        let kinds = Dictionary(grouping: generator.manifests.values, by: { $0.kind.rawValue }).mapValues(\.count)
        let kindJSON = kinds.keys.sorted().map { "\"\($0)\": \(kinds[$0]!)" }.joined(separator: ", ")
        func exp(_ name: String) -> String {
            let e = expected[name]!
            return "{\"blobs\": \(e.garbage.count), \"manifests\": \(e.manifests.count), \"bytes\": \(e.bytes)}"
        }
        let maxRepo = repos.max { $0.tagOrder.count + $0.revisions.count < $1.tagOrder.count + $1.revisions.count }
        // Only with the backup options, so that the GC benchmarks' stats.json stays as it was.
        var backupStats = ""
        if options.gzipLayers {
            backupStats += "  \"gzipLayers\": {\"count\": \(generator.gzipLayers), \"min\": \(options.layerMin), \"max\": \(options.layerMax), \"level\": \(options.gzipLevel)},\n"
        }
        if let projects {
            backupStats += "  \"projects\": {\"projects\": \(options.projects), \"files\": \(projects.files), \"symlinks\": \(projects.symlinks), \"bytes\": \(projects.bytes)},\n"
        }
        let stats = """
            {
              "seed": \(options.seed),
              "repositories": \(repos.count),
              "blobs": \(generator.blobSizes.count),
              "blobBytes": \(generator.blobSizes.values.reduce(0, +)),
              "manifests": \(generator.manifests.count),
              "manifestKinds": {\(kindJSON)},
              "revisions": \(revisions),
              "revisionsDeletedThroughAPI": \(deleted),
              "tags": \(tags),
              "tagIndexEntries": \(indexEntries),
              "layerLinks": \(layerLinks),
              "orphanBlobs": \(generator.orphans),
              "largestRepository": {"name": "\(maxRepo?.name ?? "")", "tags": \(maxRepo?.tagOrder.count ?? 0), "revisions": \(maxRepo?.revisions.count ?? 0)},
              "files": \(storeFiles + 1),
              "directories": \(storeDirectories),
            \(backupStats)  "expected": {
                "default": \(exp("default")),
                "untagged-2.8": \(exp("untagged-2.8")),
                "untagged-reachable": \(exp("untagged-reachable"))
              }
            }

            """
        generator.writer.write(out + "/stats.json", stats)
        if !options.quiet {
            var t1 = timespec()
            clock_gettime(CLOCK_MONOTONIC, &t1)
            let wall = Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) / 1e9
            let cpu = Double(clock() - start) / Double(CLOCKS_PER_SEC)
            printError(stats)
            printError("store-generator: wrote \(out) in \(String(format2: wall)) s (cpu \(String(format2: cpu)) s)\n")
        }
    }
}

extension String {
    /// Two decimals without Foundation.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        let frac = hundredths % 100
        self = "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
