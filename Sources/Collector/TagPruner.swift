import RegistryStore

/// Removes tags by retention rules, the way the registry's own tag DELETE does (3.x: the whole
/// `_manifests/tags/<tag>` directory), then collects exactly what those tags alone held.
public struct TagPruner<Backend: StoreBackend>: Sendable {
    public let backend: Backend
    public let policy: RetentionPolicy
    public let options: PruneOptions

    public init(backend: Backend, policy: RetentionPolicy, options: PruneOptions) {
        self.backend = backend
        self.policy = policy
        self.options = options
    }

    /// Runs the pruning (and, unless disabled, the collection). Throws only if the store is unusable.
    public func run(now: Int64) throws(StoreError) -> PruneResult {
        guard let root = try backend.registryRoot() else { throw .notAStore(path: backend.location) }
        let scanner = StoreScanner(backend: backend, jobs: options.jobs)
        let (repositories, scanProblems) = scanner.scanRepositories(root: root)
        let loader = ManifestLoader(backend: backend, root: root, jobs: options.jobs)
        let manifests = loader.loadClosure(ManifestGraph.roots(of: repositories), into: [:])
        var result = PruneResult()
        result.problems = scanProblems
        if scanProblems.contains(where: { $0.severity == .error }) { return result }

        // Which tags go: the rules' choice, then (when asked) signature tags whose image is gone
        // or goes with this run, until nothing more changes.
        var doomed: [String: Set<String>] = [:]
        for repository in repositories {
            guard let rule = policy.rule(for: repository.name) else { continue }
            let dated = repository.tags.compactMap { tag in tag.currentModified.map { (name: tag.name, pushed: $0) } }
            do {
                let chosen = try rule.tagsToRemove(dated, now: now)
                if !chosen.isEmpty { doomed[repository.name, default: []].formUnion(chosen) }
            } catch {
                result.problems.append(.error(repository.name, "rule for '\(rule.repository)': \(error)"))
            }
        }
        if result.problems.contains(where: { $0.severity == .error }) { return result }

        var collection = options.collection
        collection.deleteUntagged = true
        collection.jobs = options.jobs
        var reachAll = collection
        reachAll.untaggedScope = nil
        let planner = CollectionPlanner(options: reachAll, now: now)
        var pruned: [RepositoryRecord] = []
        var scope: [String: Set<Digest>] = [:]
        var reachableBefore: [String: Set<Digest>] = [:]
        while true {
            // What the doomed tags alone held: reachable before, not after.
            pruned = repositories.map { repository in
                var copy = repository
                copy.tags.removeAll { doomed[repository.name]?.contains($0.name) == true }
                return copy
            }
            scope = [:]
            for (before, after) in zip(repositories, pruned) where doomed[before.name] != nil {
                if reachableBefore[before.name] == nil {
                    reachableBefore[before.name] = planner.reachableManifests(in: before, manifests: manifests)
                }
                scope[before.name] = reachableBefore[before.name]!.subtracting(planner.reachableManifests(in: after, manifests: manifests))
            }
            guard options.pruneOrphanSignatures else { break }
            var grew = false
            for repository in pruned {
                let linked = Set(repository.revisions.filter(\.isLinked).map(\.digest)).subtracting(scope[repository.name] ?? [])
                for tag in repository.tags {
                    if let subject = Self.signatureSubject(tag.name), !linked.contains(subject) {
                        doomed[repository.name, default: []].insert(tag.name)
                        grew = true
                    }
                }
            }
            if !grew { break }
        }
        for repository in repositories {
            for tag in repository.tags where doomed[repository.name]?.contains(tag.name) == true {
                result.removedTags.append(RemovedTag(repository: repository.name, tag: tag.name, digest: tag.current,
                                                     pushed: tag.currentModified))
            }
        }
        result.removedTags.sort { ($0.repository, $0.tag) < ($1.repository, $1.tag) }
        collection.untaggedScope = scope

        if options.dryRun {
            let (blobs, blobProblems) = scanner.scanBlobs(root: root)
            var dry = collection
            dry.dryRun = true
            let (plan, markProblems) = CollectionPlanner(options: dry, now: now).plan(repositories: pruned, blobs: blobs, manifests: manifests)
            if options.collect { result.collection = CollectionResult(plan: plan, problems: blobProblems + markProblems, swept: false, outcome: nil) }
            return result
        }

        for removed in result.removedTags {
            do {
                _ = try backend.removeTree(StoreLayout.tagsDirectory(removed.repository) + "/" + removed.tag, in: root)
                result.tagsRemoved += 1
            } catch {
                result.problems.append(.error(backend.displayPath(root, StoreLayout.tagsDirectory(removed.repository) + "/" + removed.tag),
                                              "could not remove the tag: \(error.reason)"))
                return result
            }
        }
        if options.collect {
            result.collection = try GarbageCollector(backend: backend, options: collection).run(now: now)
        }
        return result
    }

    /// The subject digest of a cosign-style tag `sha256-<hex>.sig` / `.att` / `.sbom`.
    static func signatureSubject(_ tag: String) -> Digest? {
        for suffix in [".sig", ".att", ".sbom"] where tag.hasPrefix("sha256-") && tag.hasSuffix(suffix) {
            return Digest(hex: tag.dropFirst(7).dropLast(suffix.count))
        }
        return nil
    }
}

/// How `prune-tags` runs.
public struct PruneOptions: Sendable {
    public var dryRun = false
    /// Run a collection after removing tags (`--no-gc` turns it off).
    public var collect = true
    /// Also remove cosign-style `sha256-<hex>.sig/.att/.sbom` tags whose subject manifest is gone.
    public var pruneOrphanSignatures = false
    public var jobs = 1
    /// Grace period and upload age of the collection.
    public var collection = CollectionOptions()

    public init() {}
}

/// A tag `prune-tags` removed (or would remove).
public struct RemovedTag: Sendable, Equatable, Encodable {
    public let repository: String
    public let tag: String
    public let digest: Digest?
    /// When it was pushed (ns since the epoch).
    public let pushed: Int64?

    enum CodingKeys: String, CodingKey { case repository, tag, digest, pushedAt }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(repository, forKey: .repository)
        try c.encode(tag, forKey: .tag)
        try c.encode(digest?.description, forKey: .digest)
        try c.encode(pushed.map(Timestamp.formatRFC3339), forKey: .pushedAt)
    }
}

/// What `prune-tags` did.
public struct PruneResult: Sendable {
    public var removedTags: [RemovedTag] = []
    /// Tags actually removed (0 in a dry run).
    public var tagsRemoved = 0
    public var problems: [StoreProblem] = []
    /// The collection that followed (planned only, in a dry run).
    public var collection: CollectionResult?

    public var errors: [StoreProblem] {
        problems.filter { $0.severity == .error } + (collection?.errors ?? [])
    }
}

/// The machine-readable account of `prune-tags`, printed by `--json`.
public struct PruneReport: Encodable, Sendable {
    public struct Problem: Encodable, Sendable { public let path: String; public let message: String }

    public let command = "prune-tags"
    public let root: String
    public let dryRun: Bool
    /// Every tag removed (in a dry run: that would be removed).
    public let removedTags: [RemovedTag]
    /// The collection that followed (`null` with `--no-gc`).
    public let collection: CollectionReport?
    /// Bytes the collection freed (would free).
    public let reclaimedBytes: Int64
    public let warnings: [Problem]
    public let errors: [Problem]
    public let durationSeconds: Double

    public init(result: PruneResult, options: PruneOptions, root: String, blobDescriptorCache: String?, durationSeconds: Double) {
        self.root = root
        dryRun = options.dryRun
        removedTags = result.removedTags
        var collectionOptions = options.collection
        collectionOptions.dryRun = options.dryRun
        collectionOptions.deleteUntagged = true
        collection = result.collection.map {
            CollectionReport(result: $0, options: collectionOptions, root: root, blobDescriptorCache: blobDescriptorCache,
                             durationSeconds: durationSeconds)
        }
        reclaimedBytes = collection?.reclaimedBytes ?? 0
        warnings = result.problems.filter { $0.severity == .warning }.map { Problem(path: $0.path, message: $0.message) }
        errors = result.problems.filter { $0.severity == .error }.map { Problem(path: $0.path, message: $0.message) }
        self.durationSeconds = durationSeconds
    }
}
