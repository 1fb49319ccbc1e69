import RegistryStore

/// Reads a store and computes its `UsageReport`.
public struct UsageScanner<Backend: StoreBackend>: Sendable {
    public let backend: Backend
    public let jobs: Int

    public init(backend: Backend, jobs: Int) {
        self.backend = backend
        self.jobs = jobs
    }

    /// The report and every problem met while reading (errors make the figures incomplete).
    public func run(now: Int64, uploadAge: Int64) throws(StoreError) -> (UsageReport, [StoreProblem]) {
        guard let root = try backend.registryRoot() else { throw .notAStore(path: backend.location) }
        let scanner = StoreScanner(backend: backend, jobs: jobs)
        let (repositories, repositoryProblems) = scanner.scanRepositories(root: root)
        let (blobs, blobProblems) = scanner.scanBlobs(root: root)
        let manifests = ManifestLoader(backend: backend, root: root, jobs: jobs).loadClosure(ManifestGraph.roots(of: repositories), into: [:])
        var problems = repositoryProblems + blobProblems
        for (digest, load) in manifests {
            if case .unusable(let path, let reason) = load { problems.append(.error(path, "\(reason) (manifest \(digest))")) }
        }
        return (UsageReport.compute(repositories: repositories, blobs: blobs, manifests: manifests, now: now, uploadAge: uploadAge), problems)
    }
}
