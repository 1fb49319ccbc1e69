import Foundation
import RegistryFixtures

/// A tag as a restore must serve it.
struct ServedTag: Hashable, Sendable, Comparable, CustomStringConvertible {
    let repository: String
    let tag: String

    static func < (a: ServedTag, b: ServedTag) -> Bool { (a.repository, a.tag) < (b.repository, b.tag) }
    var description: String { "\(repository):\(tag)" }
}

/// Changes made to a store through the real registry's API, and checks that a store serves tags.
enum RegistryTags {
    /// Starts the real registry on `root`, runs `body` with its client and address, stops it.
    static func withServer<T>(_ root: URL, _ body: (RegistryClient, String) async throws -> T) async throws -> T {
        let server = try await RegistryServer.start(storeRoot: root)
        defer { server.stop() }
        return try await body(server.client, server.hostAndPort)
    }

    /// An image whose largest layer looks gzip-compressed (magic bytes) and is big enough for the
    /// archive writer's fast path for already-compressed content.
    static func gzipLikeImage(_ builder: inout ImageBuilder, seed: UInt64) -> BuiltManifest {
        let gzipLike = Blob(data: Data([0x1F, 0x8B, 0x08, 0x00] + Files.random(150_000, seed: seed)), mediaType: MediaType.dockerLayer)
        let small = builder.layer(.docker, size: 3000)
        let config = builder.config(.docker, layers: [gzipLike, small])
        return builder.manifest(.docker, config: config, layers: [gzipLike, small])
    }

    /// Starts the real registry on `root` and returns one line per problem: a tag of `tags` that
    /// `skopeo copy --all` cannot pull, or a tag of `gone` that is still served.
    static func servingProblems(_ root: URL, tags: [ServedTag], gone: [ServedTag] = []) async throws -> [String] {
        let scratch = try TemporaryDirectory(prefix: "pull")
        defer { scratch.remove() }
        return try await withServer(root) { client, address in
            var failures: [String] = []
            for tag in tags.sorted() {
                let pulled = try await Skopeo.pullAll(repository: tag.repository, reference: tag.tag, from: address, into: scratch.url)
                if !pulled.succeeded { failures.append("skopeo copy --all \(tag) failed: \(pulled.stderrText.suffix(500))") }
            }
            for tag in gone.sorted() {
                let status = try await client.headManifest(tag.tag, in: tag.repository).status
                if status != 404 { failures.append("\(tag) was deleted but answers \(status)") }
            }
            return failures
        }
    }
}
