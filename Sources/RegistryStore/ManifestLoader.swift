import Hashing

/// What reading one manifest blob gave.
public enum ManifestLoad: Sendable {
    /// Read, digest verified, parsed.
    case loaded(Manifest)
    /// The blob has no data in the store.
    case missing
    /// The blob exists but could not be read, does not match its digest, or is not a manifest.
    case unusable(path: String, reason: String)
}

/// Reads manifest blobs in parallel, checks their content against their digest, and parses them.
public struct ManifestLoader<Backend: StoreBackend>: Sendable {
    /// The registry refuses manifests over 4 MiB; anything larger is not a manifest.
    public static var sizeLimit: Int { 4 << 20 }

    public let backend: Backend
    public let root: Backend.Directory
    public let jobs: Int

    public init(backend: Backend, root: Backend.Directory, jobs: Int) {
        self.backend = backend
        self.root = root
        self.jobs = jobs
    }

    /// Loads the given manifests and, recursively, every child of the indexes among them,
    /// skipping digests already in `cache`. Returns `cache` extended with the new results.
    public func loadClosure(_ digests: some Sequence<Digest>, into cache: [Digest: ManifestLoad]) -> [Digest: ManifestLoad] {
        var cache = cache
        var frontier = Array(Set(digests).filter { cache[$0] == nil })
        while !frontier.isEmpty {
            let results = Parallel.map(frontier, jobs: jobs) { digest in (digest, load(digest)) }
            var next = Set<Digest>()
            for (digest, result) in results {
                cache[digest] = result
                if case .loaded(let manifest) = result {
                    for child in manifest.children where cache[child.digest] == nil { next.insert(child.digest) }
                }
            }
            frontier = next.filter { cache[$0] == nil }
        }
        return cache
    }

    /// Reads, verifies and parses one manifest blob.
    public func load(_ digest: Digest) -> ManifestLoad {
        let path = StoreLayout.blobData(digest)
        let file: StoreFile
        do {
            guard let read = try backend.read(path, in: root, limit: Self.sizeLimit + 1) else { return .missing }
            file = read
        } catch {
            return .unusable(path: backend.displayPath(root, path), reason: error.reason)
        }
        let display = backend.displayPath(root, path)
        if file.info.size > Int64(Self.sizeLimit) {
            return .unusable(path: display, reason: "\(file.info.size) bytes: too large to be a manifest (the registry accepts at most 4 MiB)")
        }
        guard Digest(bytes: SHA256.hash(file.bytes)) == digest else {
            return .unusable(path: display, reason: "content does not match its digest \(digest) (corrupt blob); "
                + "restore it from a backup, or delete the manifest through the API")
        }
        switch ManifestParser.parse(file.bytes) {
        case .success(let manifest): return .loaded(manifest)
        case .failure(let failure): return .unusable(path: display, reason: "\(failure)")
        }
    }
}
