import Foundation
import RegistryFixtures

/// A chain of three backups (full, incremental, incremental) of a store made by the real registry
/// and a projects tree, with real changes between them, and what both sources looked like at each
/// point. Built once per test process; tests only read the sources and the backup directory.
struct ChainScenario: Sendable {
    /// One backup and the sources as they were when it was taken.
    struct Point: Sendable {
        let backup: BackupResult
        let registry: TreeSnapshot
        let projects: TreeSnapshot
        /// Every tag the store had.
        let tags: [ServedTag]
        /// Tags deleted before this point that an earlier point had.
        let gone: [ServedTag]
    }

    /// Holds `backups/`, `projects/` and the store copy.
    let directory: TemporaryDirectory
    let store: FixtureCopy
    let projects: URL
    let destination: URL
    let points: [Point]

    /// The scenario, built on first use.
    static func shared() async throws -> ChainScenario { try await Cache.shared.scenario() }

    private actor Cache {
        static let shared = Cache()
        private var build: Task<ChainScenario, any Error>?

        func scenario() async throws -> ChainScenario {
            if let build { return try await build.value }
            let task = Task { try await ChainScenario.build() }
            build = task
            return try await task.value
        }
    }

    private static func build() async throws -> ChainScenario {
        let directory = try TemporaryDirectory(prefix: "chain")
        let store = try await FixtureCopy.make()
        let projects = directory.url.appendingPathComponent("projects")
        let destination = directory.url.appendingPathComponent("backups")
        try ProjectsTree.build(at: projects)
        let sources = [("registry", store.root), ("projects", projects)]
        var tags = Set(store.record.tags.map { ServedTag(repository: $0.repository, tag: $0.tag) })
        var points: [Point] = []
        var gone: [ServedTag] = []

        func take(kind: String) async throws {
            let registry = try TreeSnapshot.capture(store.root)
            let tree = try TreeSnapshot.capture(projects)
            let backup = try await CLI.backup(to: destination, sources)
            guard backup.kind == kind, backup.parent == points.last?.backup.id, backup.warnings.isEmpty else {
                throw ScenarioError("backup \(points.count + 1): kind \(backup.kind), parent \(backup.parent ?? "none"), warnings \(backup.warnings)")
            }
            points.append(Point(backup: backup, registry: registry, projects: tree, tags: tags.sorted(), gone: gone))
        }

        try await take(kind: "full")

        // First round: two new images (one with a gzip-like layer), a manifest deleted through the
        // API, a real collection; and the projects changes.
        var builder = ImageBuilder(seed: 0xBAC_0001)
        let record = store.record
        let api = try require(record.tags.first { $0.repository == FixtureStore.Repo.api }, "team/app/api tag")
        let alpine = try require(record.tags.first { $0.repository == FixtureStore.Repo.alpine && $0.tag == "latest" }, "alpine:latest")
        let alpineNext = builder.image(.docker, newLayers: 2, layerSize: 9000)
        try await RegistryTags.withServer(store.root) { client, _ in
            try await client.push(RegistryTags.gzipLikeImage(&builder, seed: 11), to: "team/web", tag: "1.0")
            try await client.push(alpineNext, to: FixtureStore.Repo.alpine, tag: "3.20")
            try await client.deleteManifest(api.digest, in: api.repository)
        }
        try await CLI.collect(store.root)
        tags.formUnion([ServedTag(repository: "team/web", tag: "1.0"), ServedTag(repository: FixtureStore.Repo.alpine, tag: "3.20")])
        let apiTag = ServedTag(repository: api.repository, tag: api.tag)
        tags.remove(apiTag)
        gone = [apiTag]
        try ProjectsTree.changeFirst(at: projects)
        try await take(kind: "incremental")

        // Second round: another image, a retag, a manifest list deleted, another collection.
        let list = record.manifestList
        try await RegistryTags.withServer(store.root) { client, _ in
            try await client.push(RegistryTags.gzipLikeImage(&builder, seed: 12), to: "team/web", tag: "2.0")
            try await client.putManifest(alpineNext, to: alpine.repository, reference: alpine.tag)
            try await client.deleteManifest(list.digest, in: list.repository)
        }
        try await CLI.collect(store.root)
        tags.insert(ServedTag(repository: "team/web", tag: "2.0"))
        let listTag = ServedTag(repository: list.repository, tag: list.tag)
        tags.remove(listTag)
        gone.append(listTag)
        try ProjectsTree.changeSecond(at: projects)
        try await take(kind: "incremental")

        // The changes must include blob deletions, or "deletions applied" would prove nothing.
        let blobs = points.map { $0.registry.files.filter { $0.hasPrefix("docker/registry/v2/blobs/") } }
        guard !blobs[0].subtracting(blobs[1]).isEmpty, !blobs[1].subtracting(blobs[2]).isEmpty,
              !blobs[1].subtracting(blobs[0]).isEmpty else {
            throw ScenarioError("the collections between backups deleted or added no blob")
        }
        return ChainScenario(directory: directory, store: store, projects: projects, destination: destination, points: points)
    }

    private static func require<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else { throw ScenarioError("the fixture has no \(what)") }
        return value
    }
}

/// The scenario could not be built as described.
struct ScenarioError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
