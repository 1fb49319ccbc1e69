import RegistryStore

/// A whole collection: scan, load manifests, plan, re-scan, sweep.
///
/// The caller holds the store's lock; the collector never deletes anything if the mark phase met
/// an error, and deletes nothing at all in a dry run.
public struct GarbageCollector<Backend: StoreBackend>: Sendable {
    public let backend: Backend
    public let options: CollectionOptions

    public init(backend: Backend, options: CollectionOptions) {
        self.backend = backend
        self.options = options
    }

    /// Where a long collection is; reported to an optional observer.
    public enum Phase: String, Sendable {
        case scanning, readingManifests, planning, rescanning, sweeping, done
    }

    /// Runs the collection. `now` is the reference time (ns since the epoch); `clock` gives the
    /// current time for phase durations; `observe` hears each phase as it starts.
    public func run(now: Int64, clock: @Sendable () -> Int64 = { 0 },
                    observe: @Sendable (Phase) -> Void = { _ in },
                    sweepProgress: @Sendable (Int, Int) -> Void = { _, _ in }) throws(StoreError) -> CollectionResult {
        var timings: [String: Int64] = [:]
        var mark = clock()
        func lap(_ name: Phase) {
            let t = clock()
            timings[name.rawValue] = t - mark
            mark = t
        }
        guard let root = try backend.registryRoot() else { throw .notAStore(path: backend.location) }
        observe(.scanning)
        let scanner = StoreScanner(backend: backend, jobs: options.jobs)
        let (repositories, repositoryProblems) = scanner.scanRepositories(root: root)
        let (blobs, blobProblems) = scanner.scanBlobs(root: root)
        lap(.scanning)

        observe(.readingManifests)
        let loader = ManifestLoader(backend: backend, root: root, jobs: options.jobs)
        var manifests = loader.loadClosure(ManifestGraph.roots(of: repositories), into: [:])
        lap(.readingManifests)

        observe(.planning)
        let planner = CollectionPlanner(options: options, now: now)
        var (plan, markProblems) = planner.plan(repositories: repositories, blobs: blobs, manifests: manifests)
        var problems = repositoryProblems + blobProblems + markProblems
        lap(.planning)

        var result = CollectionResult(plan: plan, problems: problems, swept: false, outcome: nil)
        if problems.contains(where: { $0.severity == .error }) || options.dryRun {
            result.timings = timings
            return result
        }

        if options.rescanBeforeSweep {
            // Anything pushed or tagged while we marked must be kept: plan again from a fresh
            // look at the repositories and delete only what both plans agree on.
            observe(.rescanning)
            let (fresh, freshProblems) = scanner.scanRepositories(root: root)
            manifests = loader.loadClosure(ManifestGraph.roots(of: fresh), into: manifests)
            let (second, secondProblems) = planner.plan(repositories: fresh, blobs: blobs, manifests: manifests)
            problems = repositoryProblems + blobProblems + freshProblems + secondProblems
            plan = plan.intersection(second)
            result = CollectionResult(plan: plan, problems: Array(Set(problems)).sorted { $0.path < $1.path },
                                      swept: false, outcome: nil)
            lap(.rescanning)
            if problems.contains(where: { $0.severity == .error }) {
                result.timings = timings
                return result
            }
        }

        observe(.sweeping)
        let outcome = Sweeper(backend: backend, root: root, jobs: options.jobs).sweep(plan, progress: sweepProgress)
        result.swept = true
        result.outcome = outcome
        lap(.sweeping)
        observe(.done)
        result.timings = timings
        return result
    }

}

/// The plan of a collection, the problems met, and what the sweep did.
public struct CollectionResult: Sendable {
    public var plan: CollectionPlan
    public var problems: [StoreProblem]
    /// Whether the sweep ran (false in dry runs and when the mark met errors).
    public var swept: Bool
    public var outcome: SweepOutcome?
    /// Nanoseconds spent per phase.
    public var timings: [String: Int64] = [:]

    public var errors: [StoreProblem] { problems.filter { $0.severity == .error } }
    public var warnings: [StoreProblem] { problems.filter { $0.severity == .warning } }
}
