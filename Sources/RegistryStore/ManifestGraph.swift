/// Reachability over loaded manifests: index children and OCI referrers, recursively.
public struct ManifestGraph: Sendable {
    public let manifests: [Digest: ManifestLoad]

    public init(manifests: [Digest: ManifestLoad]) { self.manifests = manifests }

    /// The manifests to load for a set of repositories: every linked revision and every tag's
    /// current target (children are found while loading).
    public static func roots(of repositories: [RepositoryRecord]) -> Set<Digest> {
        var roots = Set<Digest>()
        for repository in repositories {
            for revision in repository.revisions where revision.isLinked { roots.insert(revision.digest) }
            for tag in repository.tags { if let current = tag.current { roots.insert(current) } }
        }
        return roots
    }

    /// The manifest, if it was loaded and parsed.
    public func manifest(_ digest: Digest) -> Manifest? {
        if case .loaded(let manifest)? = manifests[digest] { return manifest }
        return nil
    }

    /// Referrers of each subject among `revisions` (signatures, SBOMs, attestations).
    public func referrers(among revisions: some Sequence<Digest>) -> [Digest: [Digest]] {
        var referrers: [Digest: [Digest]] = [:]
        for revision in revisions {
            if let subject = manifest(revision)?.subject { referrers[subject.digest, default: []].append(revision) }
        }
        return referrers
    }

    /// Every manifest reachable from `roots` through index children and, when given, referrers.
    public func reachable(from roots: some Sequence<Digest>, referrers: [Digest: [Digest]] = [:]) -> Set<Digest> {
        var reachable = Set<Digest>()
        var queue = Array(roots)
        while let digest = queue.popLast() {
            guard reachable.insert(digest).inserted else { continue }
            if let manifest = manifest(digest) { queue += manifest.children.map(\.digest) }
            queue += referrers[digest] ?? []
        }
        return reachable
    }

    /// The blobs a set of manifests needs: the manifests themselves, their configs and layers.
    public func blobs(of manifestDigests: some Sequence<Digest>) -> Set<Digest> {
        var blobs = Set<Digest>()
        for digest in manifestDigests {
            blobs.insert(digest)
            for reference in manifest(digest)?.blobReferences ?? [] { blobs.insert(reference.digest) }
        }
        return blobs
    }
}
