import RegistryStore

/// Decides what a collection deletes: marks from manifests, then lists everything unmarked.
///
/// Pure: reads only the inventory and the loaded manifests it is given.
public struct CollectionPlanner: Sendable {
    public let options: CollectionOptions
    /// The reference time (ns since the epoch) for the grace period and upload age.
    public let now: Int64

    public init(options: CollectionOptions, now: Int64) {
        self.options = options
        self.now = now
    }

    /// Whether something modified at `modified` is inside the grace period.
    func isYoung(_ modified: Int64) -> Bool {
        options.minimumAge > 0 && modified > now - options.minimumAge
    }

    /// Builds the plan. `manifests` must hold the closure of `ManifestGraph.roots(of: repositories)`.
    public func plan(repositories: [RepositoryRecord], blobs: [Digest: BlobRecord],
                     manifests: [Digest: ManifestLoad]) -> (CollectionPlan, [StoreProblem]) {
        var plan = CollectionPlan()
        var problems = manifestProblems(repositories: repositories, manifests: manifests)
        var marked = Set<Digest>()
        var survivingRevisions: [String: Set<Digest>] = [:]

        for repository in repositories {
            let reachable = reachableManifests(in: repository, manifests: manifests)
            for digest in reachable {
                marked.insert(digest)
                if case .loaded(let manifest)? = manifests[digest] {
                    for reference in manifest.blobReferences { marked.insert(reference.digest) }
                }
            }
            var surviving = Set<Digest>()
            for revision in repository.revisions where revision.isLinked {
                if reachable.contains(revision.digest) {
                    surviving.insert(revision.digest)
                } else {
                    plan.revisions.append(.init(repository: repository.name, digest: revision.digest))
                }
            }
            survivingRevisions[repository.name] = surviving
            for link in repository.layerLinks where link.isLinked && isYoung(link.modified) {
                marked.insert(link.digest)
            }
        }

        // Blobs.
        var keptBlobs = Set<Digest>()
        for blob in blobs.values {
            plan.blobCount += 1
            plan.blobBytes += blob.size ?? 0
            guard let size = blob.size else {
                if !isYoung(blob.modified) { plan.emptyBlobDirectories.append(blob.digest) }
                continue
            }
            if marked.contains(blob.digest) {
                plan.markedBlobCount += 1
                keptBlobs.insert(blob.digest)
            } else if isYoung(blob.modified) {
                plan.youngBlobCount += 1
                keptBlobs.insert(blob.digest)
            } else {
                plan.blobs.append(.init(digest: blob.digest, size: size))
            }
        }

        // Links and directories around the revisions, tags and layers.
        for repository in repositories {
            let surviving = survivingRevisions[repository.name] ?? []
            plan.repositoryCount += 1
            plan.manifestCount += repository.revisions.count { $0.isLinked }
            plan.tagCount += repository.tags.count
            for revision in repository.revisions where !revision.isLinked && !revision.hasOtherEntries && !isYoung(revision.modified) {
                plan.emptyRevisionDirectories.append(.init(repository: repository.name, digest: revision.digest))
            }
            for revision in plan.revisions where revision.repository == repository.name {
                plan.emptyRevisionDirectories.append(revision)
            }
            for tag in repository.tags {
                for entry in tag.index where !surviving.contains(entry.digest) && entry.digest != tag.current {
                    let item = CollectionPlan.TagIndexEntry(repository: repository.name, tag: tag.name, digest: entry.digest)
                    if entry.isLinked {
                        if isYoung(entry.modified) { continue }
                        plan.tagIndexEntries.append(item)
                        plan.emptyTagIndexDirectories.append(item)
                    } else if !entry.hasOtherEntries && !isYoung(entry.modified) {
                        plan.emptyTagIndexDirectories.append(item)
                    }
                }
            }
            for link in repository.layerLinks where !isYoung(link.modified) {
                let item = CollectionPlan.RepositoryDigest(repository: repository.name, digest: link.digest)
                if !link.isLinked {
                    if !link.hasOtherEntries { plan.emptyLayerLinkDirectories.append(item) }
                } else if !keptBlobs.contains(link.digest) {
                    plan.layerLinks.append(item)
                    plan.emptyLayerLinkDirectories.append(item)
                }
            }
            for upload in repository.uploads {
                let started = upload.startedAt ?? upload.modified
                if started <= now - options.uploadAge {
                    plan.uploads.append(.init(repository: repository.name, id: upload.id, startedAt: upload.startedAt, size: upload.size))
                }
            }
        }

        if options.removeEmptyRepositories {
            plan.repositories = emptyRepositories(repositories, plan: plan, survivingRevisions: survivingRevisions)
        }
        plan.revisions.sort()
        plan.tagIndexEntries.sort()
        plan.layerLinks.sort()
        plan.uploads.sort()
        plan.blobs.sort()
        plan.emptyRevisionDirectories.sort()
        plan.emptyTagIndexDirectories.sort()
        plan.emptyLayerLinkDirectories.sort()
        plan.emptyBlobDirectories.sort()
        problems.sort { ($0.severity == .error ? 0 : 1, $0.path) < ($1.severity == .error ? 0 : 1, $1.path) }
        return (plan, problems)
    }

    /// Manifest digests a repository keeps: everything in default mode; with `deleteUntagged`,
    /// what tags (and young revisions) reach through index children and referrers.
    func reachableManifests(in repository: RepositoryRecord, manifests: [Digest: ManifestLoad]) -> Set<Digest> {
        var roots: [Digest] = repository.tags.compactMap(\.current)
        let scope = options.untaggedScope.map { $0[repository.name] ?? [] }
        for revision in repository.revisions where revision.isLinked {
            if !options.deleteUntagged || isYoung(revision.modified) || scope.map({ !$0.contains(revision.digest) }) == true {
                roots.append(revision.digest)
            }
        }
        // Referrers by subject, so a kept manifest pulls its signatures, SBOMs and attestations along.
        let graph = ManifestGraph(manifests: manifests)
        let referrers = graph.referrers(among: repository.revisions.filter(\.isLinked).map(\.digest))
        return graph.reachable(from: roots, referrers: referrers)
    }

    /// Errors for manifests that could not be read or parsed; warnings for missing ones.
    func manifestProblems(repositories: [RepositoryRecord], manifests: [Digest: ManifestLoad]) -> [StoreProblem] {
        var problems: [StoreProblem] = []
        var reported = Set<Digest>()
        func check(_ digest: Digest, _ what: String) {
            switch manifests[digest] {
            case .unusable(let path, let reason)?:
                if reported.insert(digest).inserted {
                    problems.append(.error(path, "\(reason) (needed by \(what))"))
                }
            case .missing?:
                problems.append(.warning(what, "manifest \(digest) has no blob in the store; the image is already broken"))
            case .loaded(let manifest)?:
                for child in manifest.children {
                    if case .missing? = manifests[child.digest] {
                        problems.append(.warning(what, "index \(digest) lists child \(child.digest), which has no blob in the store"))
                    }
                    check(child.digest, "\(what) → child \(child.digest)")
                }
            case nil:
                break
            }
        }
        for repository in repositories {
            for revision in repository.revisions where revision.isLinked {
                check(revision.digest, "\(repository.name)@\(revision.digest)")
            }
            for tag in repository.tags {
                guard let current = tag.current else { continue }
                if !repository.revisions.contains(where: { $0.digest == current && $0.isLinked }) {
                    check(current, "\(repository.name):\(tag.name)")
                }
            }
        }
        return problems
    }

    /// Repositories with nothing left worth keeping once the plan has run.
    func emptyRepositories(_ repositories: [RepositoryRecord], plan: CollectionPlan,
                           survivingRevisions: [String: Set<Digest>]) -> [String] {
        let purgedUploads = Set(plan.uploads.map { "\($0.repository)\u{0}\($0.id)" })
        return repositories.filter { repository in
            repository.nestedRepositories.isEmpty
                && (survivingRevisions[repository.name] ?? []).isEmpty
                && repository.tags.isEmpty
                && repository.uploads.allSatisfy { purgedUploads.contains("\(repository.name)\u{0}\($0.id)") }
                && !repository.layerLinks.contains { isYoung($0.modified) }
                && !repository.revisions.contains { isYoung($0.modified) }
        }.map(\.name).sorted()
    }
}
