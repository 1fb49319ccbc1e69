import RegistryStore

/// Executes a plan against a backend, phase by phase, in the order that keeps every kept tag
/// servable if the run stops at any point: revision and tag-history links, then layer links and
/// uploads, then blobs, then empty directories. A phase with failures stops the sweep.
public struct Sweeper<Backend: StoreBackend>: Sendable {
    public let backend: Backend
    public let root: Backend.Directory
    public let jobs: Int

    public init(backend: Backend, root: Backend.Directory, jobs: Int) {
        self.backend = backend
        self.root = root
        self.jobs = jobs
    }


    private enum Step: Sendable {
        case file(String)
        case emptyDirectory(String)
        case tree(String)
        case blob(Digest)
    }

    /// Runs the plan; `progress` hears (deletions done, deletions planned) as the sweep goes.
    public func sweep(_ plan: CollectionPlan, progress: @Sendable (Int, Int) -> Void = { _, _ in }) -> SweepOutcome {
        var outcome = SweepOutcome()
        let done = AtomicCounter()
        let phases: [[Step]] = [
            plan.revisions.map { .file(StoreLayout.revisionDirectory($0.repository, $0.digest) + "/link") }
                + plan.tagIndexEntries.map { .file(StoreLayout.tagIndexEntry($0.repository, $0.tag, $0.digest) + "/link") },
            plan.layerLinks.map { .file(StoreLayout.layerLinkDirectory($0.repository, $0.digest) + "/link") }
                + plan.uploads.map { .tree(StoreLayout.uploadDirectory($0.repository, $0.id)) },
            plan.blobs.map { .blob($0.digest) },
            plan.emptyRevisionDirectories.map { .emptyDirectory(StoreLayout.revisionDirectory($0.repository, $0.digest)) }
                + plan.emptyTagIndexDirectories.map { .emptyDirectory(StoreLayout.tagIndexEntry($0.repository, $0.tag, $0.digest)) }
                + plan.emptyLayerLinkDirectories.map { .emptyDirectory(StoreLayout.layerLinkDirectory($0.repository, $0.digest)) }
                + plan.emptyBlobDirectories.map { .emptyDirectory(StoreLayout.blobDirectory($0)) }
                + plan.repositories.map { .tree(StoreLayout.repository($0)) },
        ]
        for steps in phases {
            let total = phases.reduce(0) { $0 + $1.count }
            let results = Parallel.map(steps, jobs: jobs) { step in
                let result = run(step)
                progress(done.increment(), total)
                return result
            }
            for result in results {
                outcome.removedFiles += result.files
                outcome.removedDirectories += result.directories
                if let failure = result.failure { outcome.failures.append(failure) }
            }
            if !outcome.failures.isEmpty { return outcome }
            outcome.completedPhases += 1
        }
        outcome.completed = true
        removeEmptyParents(plan, into: &outcome)
        return outcome
    }

    private func run(_ step: Step) -> (files: Int, directories: Int, failure: StoreProblem?) {
        do {
            switch step {
            case .file(let path):
                return (try backend.removeFile(path, in: root) ? 1 : 0, 0, nil)
            case .emptyDirectory(let path):
                return (0, try backend.removeEmptyDirectory(path, in: root) ? 1 : 0, nil)
            case .tree(let path):
                return (try backend.removeTree(path, in: root), 1, nil)
            case .blob(let digest):
                let files = try backend.removeFile(StoreLayout.blobData(digest), in: root) ? 1 : 0
                let directories = try backend.removeEmptyDirectory(StoreLayout.blobDirectory(digest), in: root) ? 1 : 0
                return (files, directories, nil)
            }
        } catch {
            return (0, 0, .error(errorPath(step), "could not delete: \(error.reason)"))
        }
    }

    private func errorPath(_ step: Step) -> String {
        switch step {
        case .file(let p), .emptyDirectory(let p), .tree(let p): return backend.displayPath(root, p)
        case .blob(let d): return backend.displayPath(root, StoreLayout.blobData(d))
        }
    }

    /// Removes blob fan-out directories and repository parents that the sweep left empty.
    private func removeEmptyParents(_ plan: CollectionPlan, into outcome: inout SweepOutcome) {
        var prefixes = Set(plan.blobs.map { $0.digest.prefix })
        prefixes.formUnion(plan.emptyBlobDirectories.map(\.prefix))
        var parents = Set<String>()
        for name in plan.repositories {
            var components = name.split(separator: "/").map(String.init)
            components.removeLast()
            while !components.isEmpty {
                parents.insert(components.joined(separator: "/"))
                components.removeLast()
            }
        }
        let paths = prefixes.sorted().map { "\(StoreLayout.blobAlgorithmDirectory)/\($0)" }
            + parents.sorted { $0.count > $1.count }.map { StoreLayout.repository($0) }
        for path in paths {
            do {
                if try backend.removeEmptyDirectory(path, in: root) { outcome.removedDirectories += 1 }
            } catch {
                outcome.failures.append(.warning(backend.displayPath(root, path), "could not remove empty directory: \(error.reason)"))
            }
        }
    }
}

