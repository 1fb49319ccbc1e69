import Hashing
import RegistryStore

/// `check`: a store fsck. Reads everything the registry needs to serve each tag, reports what is
/// missing or damaged, and with `repair` removes only dangling and bad link files, never data.
public struct StoreChecker<Backend: StoreBackend>: Sendable {
    public let backend: Backend
    public let options: CheckOptions

    public init(backend: Backend, options: CheckOptions) {
        self.backend = backend
        self.options = options
    }

    /// What `check` found and did.
    public struct Result: Sendable {
        public var findings: [StoreFinding] = []
        public var repositories = 0
        public var tags = 0
        public var manifests = 0
        public var blobs = 0
        public var blobsVerified = 0
        public var bytesVerified: Int64 = 0
    }

    public func run(progress: @Sendable (Int, Int) -> Void = { _, _ in }) throws(StoreError) -> Result {
        guard let root = try backend.registryRoot() else { throw .notAStore(path: backend.location) }
        var first = inspect(root: root, verifyBlobs: options.verifyBlobs, progress: progress)
        guard options.repair else { return first }
        let repaired = repair(&first.findings, root: root)
        guard repaired > 0 else { return first }
        // Look again: what the repair fixed is gone, what it could not fix (or caused) shows.
        var second = inspect(root: root, verifyBlobs: false, progress: { _, _ in })
        second.findings += first.findings.filter { $0.repaired || $0.kind == .corruptBlob }
        second.findings.sort { ($0.kind.rawValue, $0.path) < ($1.kind.rawValue, $1.path) }
        second.blobsVerified = first.blobsVerified
        second.bytesVerified = first.bytesVerified
        return second
    }

    private func inspect(root: Backend.Directory, verifyBlobs: Bool, progress: @Sendable (Int, Int) -> Void) -> Result {
        let scanner = StoreScanner(backend: backend, jobs: options.jobs)
        let (repositories, repositoryProblems) = scanner.scanRepositories(root: root)
        let (blobs, blobProblems) = scanner.scanBlobs(root: root)
        let loader = ManifestLoader(backend: backend, root: root, jobs: options.jobs)
        let manifests = loader.loadClosure(ManifestGraph.roots(of: repositories), into: [:])
        var result = Result()
        result.repositories = repositories.count
        result.tags = repositories.reduce(0) { $0 + $1.tags.count }
        result.manifests = repositories.reduce(0) { $0 + $1.revisions.count { $0.isLinked } }
        result.blobs = blobs.count

        for problem in repositoryProblems + blobProblems {
            result.findings.append(StoreFinding(Self.kind(of: problem), path: problem.path, problem.message))
        }
        let present = { (digest: Digest) in blobs[digest]?.hasData == true }
        var reportedManifests = Set<Digest>()
        for repository in repositories {
            let prefix = backend.displayPath(root, StoreLayout.repository(repository.name))
            for revision in repository.revisions where revision.isLinked && !present(revision.digest) {
                result.findings.append(StoreFinding(.danglingRevision, path: prefix + "/_manifests/revisions/sha256/\(revision.digest.hex)/link",
                                                    "manifest \(revision.digest) has no blob; pulls by digest fail"))
            }
            for link in repository.layerLinks where link.isLinked && !present(link.digest) {
                result.findings.append(StoreFinding(.danglingLayerLink, path: prefix + "/_layers/sha256/\(link.digest.hex)/link",
                                                    "layer link to \(link.digest), which has no blob"))
            }
            for tag in repository.tags {
                guard let current = tag.current else { continue }
                let revisions = Set(repository.revisions.filter(\.isLinked).map(\.digest))
                let layers = Set(repository.layerLinks.filter(\.isLinked).map(\.digest))
                let missing = Self.missing(from: current, manifests: manifests, present: present,
                                           hasRevision: { revisions.contains($0) }, hasLayerLink: { layers.contains($0) })
                if let first = missing.first {
                    result.findings.append(StoreFinding(.brokenTag, path: prefix + "/_manifests/tags/\(tag.name)/current/link",
                        "\(repository.name):\(tag.name) cannot be pulled: \(first)\(missing.count > 1 ? " (and \(missing.count - 1) more)" : "")"))
                }
            }
            for revision in repository.revisions where revision.isLinked {
                if case .unusable(let path, let reason)? = manifests[revision.digest], reportedManifests.insert(revision.digest).inserted {
                    result.findings.append(StoreFinding(.badManifest, path: path, reason))
                }
            }
        }
        let leftovers = temporaryLeftovers(root)
        result.findings.removeAll { $0.kind == .strayEntry && leftovers.contains($0.path) }
        for leftover in leftovers {
            result.findings.append(StoreFinding(.temporaryLeftover, path: leftover, "left by an interrupted write; safe to delete"))
        }
        if verifyBlobs {
            let all = blobs.values.filter(\.hasData).sorted { $0.digest < $1.digest }
            let done = AtomicCounter()
            let total = all.count
            let verdicts = Parallel.map(all, jobs: options.jobs) { blob -> (BlobRecord, String?) in
                let verdict = verify(blob, root: root)
                progress(done.increment(), total)
                return (blob, verdict)
            }
            for (blob, verdict) in verdicts {
                result.blobsVerified += 1
                result.bytesVerified += blob.size ?? 0
                if let verdict {
                    result.findings.append(StoreFinding(.corruptBlob, path: backend.displayPath(root, StoreLayout.blobData(blob.digest)), verdict))
                }
            }
        }
        result.findings.sort { ($0.kind.rawValue, $0.path) < ($1.kind.rawValue, $1.path) }
        return result
    }

    /// What a pull of `digest` from one repository would miss: a manifest or child without its blob
    /// or its revision link there, a config or layer without its blob or its `_layers` link there
    /// (foreign layers excepted).
    static func missing(from digest: Digest, manifests: [Digest: ManifestLoad], present: (Digest) -> Bool,
                        hasRevision: (Digest) -> Bool, hasLayerLink: (Digest) -> Bool) -> [String] {
        var missing: [String] = []
        var queue = [digest]
        var seen = Set<Digest>()
        while let next = queue.popLast() {
            guard seen.insert(next).inserted else { continue }
            if !hasRevision(next) { missing.append("manifest \(next) has no revision link in the repository") }
            switch manifests[next] {
            case .loaded(let manifest)?:
                queue += manifest.children.map(\.digest)
                for reference in manifest.blobReferences where !reference.isForeign {
                    if !present(reference.digest) {
                        missing.append("blob \(reference.digest) of manifest \(next) is missing")
                    } else if !hasLayerLink(reference.digest) {
                        missing.append("blob \(reference.digest) of manifest \(next) is not linked into the repository (_layers)")
                    }
                }
            case .missing?, nil:
                missing.append("manifest \(next) is missing")
            case .unusable(_, let reason)?:
                missing.append("manifest \(next) is unusable: \(reason)")
            }
        }
        return missing
    }

    static func kind(of problem: StoreProblem) -> StoreFinding.Kind {
        switch problem.category {
        case .badLink: return .badLinkFile
        case .stray: return .strayEntry
        case .unreadable, .other: return .unreadable
        }
    }

    /// Hashes one blob; nil when it matches its digest, otherwise why not.
    private func verify(_ blob: BlobRecord, root: Backend.Directory) -> String? {
        do {
            guard let hash = try backend.hashFile(StoreLayout.blobData(blob.digest), in: root) else { return "vanished while checking" }
            return Digest(bytes: hash) == blob.digest ? nil : "content hashes to sha256:\(Digest(bytes: hash)!.hex), not to its name"
        } catch {
            return "unreadable: \(error.reason)"
        }
    }

    /// Paths of `*.tmp` files anywhere below `repositories/`.
    private func temporaryLeftovers(_ root: Backend.Directory) -> Set<String> {
        var found: [String] = []
        func walk(_ directory: Backend.Directory) {
            guard let entries = try? backend.entries(of: directory) else { return }
            for entry in entries {
                if entry.kind == .directory, let child = try? backend.openDirectory(entry.name, in: directory) {
                    walk(child)
                } else if entry.kind == .file, entry.name.hasSuffix(".tmp") {
                    found.append(backend.displayPath(directory, entry.name))
                }
            }
        }
        if let repositories = try? backend.openDirectory(StoreLayout.repositoriesDirectory, in: root) { walk(repositories) }
        return Set(found)
    }

    /// Repairs link files, never data: a bad link in a directory named by a digest whose blob
    /// exists is rewritten (its content is fixed by its path); dangling links and other bad links
    /// of revisions, layers and tag history are removed. Tags' `current/link` files are left alone
    /// (nothing says which manifest they meant). Returns how many findings it repaired.
    private func repair(_ findings: inout [StoreFinding], root: Backend.Directory) -> Int {
        let prefix = backend.displayPath(root, nil)
        let present = { (digest: Digest) in
            (try? self.backend.info(StoreLayout.blobData(digest), in: root))??.kind == .file
        }
        var repaired = 0
        for index in findings.indices {
            let finding = findings[index]
            guard [.danglingLayerLink, .danglingRevision, .badLinkFile].contains(finding.kind),
                  finding.path.hasPrefix(prefix + "/"), finding.path.hasSuffix("/link"), !finding.path.hasSuffix("/current/link") else { continue }
            let relative = String(finding.path.dropFirst(prefix.count + 1))
            let components = relative.split(separator: "/")
            guard components.count >= 3, let digest = Digest(hex: components[components.count - 2]),
                  components[components.count - 3] == "sha256" else { continue }
            do {
                if finding.kind == .badLinkFile && present(digest) {
                    try backend.replaceFile(relative, with: LinkFile.content(digest), in: root)
                } else if try !backend.removeFile(relative, in: root) {
                    continue
                }
                findings[index].repaired = true
                repaired += 1
            } catch {
                continue
            }
        }
        return repaired
    }
}

/// How `check` runs.
public struct CheckOptions: Sendable {
    /// Hash every blob and compare with its digest.
    public var verifyBlobs = false
    /// Remove dangling links and bad link files (never blobs or manifests).
    public var repair = false
    public var jobs = 1

    public init() {}
}
