import Foundation
import RegistryFixtures

#if canImport(Glibc)
import Glibc
#endif

/// The retention scenario: one store built through the real registry's HTTP API, with push times
/// (the mtime of each tag's `current/link`) set explicitly afterwards so every rule's order is
/// deterministic. Tests never change it; they work on `ScenarioCopy`s.
///
/// | repository | tags (pushed hours ago) | what else |
/// |---|---|---|
/// | `ci/app` | `v1.0` 720, `build-1` 240, `build-2` 192, `build-3` 96, `build-4` 24, `latest` 12 (= `build-4`'s manifest) | schema2; every image shares `base`; an upload abandoned 200 h ago with 700 bytes |
/// | `ci/tools` | `1.0` 300, `2.0` 50, `nightly` 2 | OCI |
/// | `ci/multi` | OCI index `old` 100 (children a, b), Docker list `list-old` 90 (children d, e), OCI index `new` 1 (children b, c) | children untagged, pushed by digest |
/// | `ci/signed` | `1` 100 (with referrer r1 and r1's referrer rr1), `2` 1 (with referrer r2) | referrers untagged, OCI `subject` |
/// | `ci/cosign` | `1` 6, `sha256-<1>.sig` 5, `sha256-<gone>.sig` 4 | image `gone` deleted by digest through the API (its tag `2` went with it) |
/// | `prod/app` | `2023` 2000, `2024` 1000 (retagged: the first image is an untagged revision) | shares `base` with `ci/app`; one blob no manifest references |
struct RetentionScenario: Sendable {
    /// Repository names.
    enum Repo {
        static let app = "ci/app"
        static let tools = "ci/tools"
        static let multi = "ci/multi"
        static let signed = "ci/signed"
        static let cosign = "ci/cosign"
        static let prod = "prod/app"
        static let all = [app, tools, multi, signed, cosign, prod]
    }

    /// A tag as built: what it points at and when it was "pushed" (its `current/link` mtime).
    struct Tag: Sendable, Hashable, CustomStringConvertible {
        let repository: String
        let tag: String
        let digest: String
        /// Seconds since the epoch (whole seconds).
        let pushedAt: Int

        var key: String { "\(repository):\(tag)" }
        var description: String { key }
    }

    /// The store root (never modified after the build).
    let root: URL
    /// Every tag present in the store.
    let tags: [Tag]
    /// Named manifests, e.g. `images["ci/app:build-1"]`, `images["ci/multi:a"]`, `images["ci/signed:r1"]`.
    let images: [String: BuiltManifest]
    /// Every manifest whose revision link exists, per repository (index children included).
    let linked: [String: [BuiltManifest]]
    /// The shared base layer of `ci/app` and `prod/app`.
    let base: Blob
    /// The blob pushed into `prod/app` that no manifest references.
    let orphanBlob: String
    /// The manifest deleted through the API (`ci/cosign`, was tag `2`).
    let deletedImage: BuiltManifest
    /// The image retagged away in `prod/app` (an untagged revision).
    let retaggedAway: BuiltManifest
    /// The upload abandoned in `ci/app` (its uuid) and the bytes it holds.
    let abandonedUpload: (id: String, bytes: Int)
    /// Size of every blob in the store, by digest.
    let blobSizes: [String: Int64]
    /// The reference time the push times were set from (seconds since the epoch).
    let builtAt: Int
    /// How long the build took.
    let buildSeconds: Double

    /// The tag `repository:tag`.
    func tag(_ repository: String, _ name: String) -> Tag {
        guard let found = tags.first(where: { $0.repository == repository && $0.tag == name }) else {
            fatalError("no tag \(repository):\(name) in the scenario")
        }
        return found
    }

    /// The tags of one repository.
    func tags(of repository: String) -> Set<String> { Set(tags.filter { $0.repository == repository }.map(\.tag)) }

    /// A named manifest.
    func image(_ key: String) -> BuiltManifest {
        guard let image = images[key] else { fatalError("no image \(key) in the scenario") }
        return image
    }

    /// Blobs no manifest references before any test runs: the orphan, and everything of the
    /// image deleted through the API. Every collection frees them.
    var garbageBlobs: Set<String> {
        Set([orphanBlob, deletedImage.digest] + deletedImage.blobs.map(\.digest))
    }

    /// The blobs a manifest itself needs: its own JSON, its config and its local layers (an
    /// index's children are manifests of their own).
    static func blobs(of manifest: BuiltManifest) -> Set<String> {
        Set([manifest.digest] + manifest.blobs.map(\.digest))
    }

    /// What a collection must free when exactly `lost` manifests lose their revisions: their
    /// blobs that no other linked manifest (in any repository) needs, plus the garbage.
    func expectedFreedBlobs(losing lost: [(repository: String, manifest: BuiltManifest)]) -> Set<String> {
        let lostKeys = Set(lost.map { "\($0.repository)@\($0.manifest.digest)" })
        var needed = Set<String>()
        for (repository, manifests) in linked {
            for manifest in manifests where !lostKeys.contains("\(repository)@\(manifest.digest)") {
                needed.formUnion(Self.blobs(of: manifest))
            }
        }
        return lost.reduce(into: garbageBlobs) { $0.formUnion(Self.blobs(of: $1.manifest)) }.subtracting(needed)
    }

    /// Total size of some blobs.
    func bytes(_ digests: some Sequence<String>) -> Int64 { digests.reduce(0) { $0 + (blobSizes[$1] ?? 0) } }

    /// The cosign tag naming a signature of `subject`.
    static func signatureTag(of subject: BuiltManifest) -> String { "sha256-\(ContentDigest.hexPart(subject.digest)).sig" }

    // MARK: Building

    /// Builds the scenario into `root` with a real registry, stops it, sets push times and ages the upload.
    static func build(into root: URL) async throws -> RetentionScenario {
        let started = Date()
        let now = Int(Date().timeIntervalSince1970)
        let server = try await RegistryServer.start(storeRoot: root)
        defer { server.stop() }
        let client = server.client
        var builder = ImageBuilder(seed: 0xBE7A_1A55)
        var tags: [(repository: String, tag: String, digest: String, hoursAgo: Int)] = []
        var images: [String: BuiltManifest] = [:]
        var linked: [String: [BuiltManifest]] = [:]

        func push(_ manifest: BuiltManifest, _ repository: String, tag: String?, hoursAgo: Int = 0, name: String? = nil) async throws {
            try await client.push(manifest, to: repository, tag: tag)
            if let tag { tags.append((repository, tag, manifest.digest, hoursAgo)) }
            images["\(repository):\(name ?? tag ?? manifest.digest)"] = manifest
            for item in manifest.allManifests where !(linked[repository] ?? []).contains(item) {
                linked[repository, default: []].append(item)
            }
        }
        func retag(_ manifest: BuiltManifest, _ repository: String, _ tag: String, hoursAgo: Int) async throws {
            try await client.putManifest(manifest, to: repository, reference: tag)
            tags.append((repository, tag, manifest.digest, hoursAgo))
        }

        // ci/app: schema2, every image on a shared base layer; latest is build-4's manifest.
        let base = builder.layer(.docker, size: 12_000)
        for (tag, hours, size) in [("v1.0", 720, 3000), ("build-1", 240, 4100), ("build-2", 192, 4200), ("build-3", 96, 4300), ("build-4", 24, 4400)] {
            try await push(builder.image(.docker, sharing: [base], newLayers: 1, layerSize: size), Repo.app, tag: tag, hoursAgo: hours)
        }
        try await retag(images["\(Repo.app):build-4"]!, Repo.app, "latest", hoursAgo: 12)
        let upload = builder.randomBytes(700)
        let uploadID = try await client.abandonUpload(in: Repo.app, sending: upload)

        // ci/tools: OCI.
        for (tag, hours) in [("1.0", 300), ("2.0", 50), ("nightly", 2)] {
            try await push(builder.image(.oci, newLayers: 1, layerSize: 2500), Repo.tools, tag: tag, hoursAgo: hours)
        }

        // ci/multi: two OCI indexes sharing child b, and a Docker manifest list; children untagged.
        let a = builder.image(.oci, newLayers: 1, layerSize: 3100, architecture: "amd64")
        let b = builder.image(.oci, newLayers: 1, layerSize: 3200, architecture: "arm64")
        let c = builder.image(.oci, newLayers: 1, layerSize: 3300, architecture: "ppc64le")
        let d = builder.image(.docker, newLayers: 1, layerSize: 3400, architecture: "amd64")
        let e = builder.image(.docker, newLayers: 1, layerSize: 3500, architecture: "arm64")
        for (name, child) in [("a", a), ("b", b), ("c", c), ("d", d), ("e", e)] { images["\(Repo.multi):\(name)"] = child }
        let old = builder.index(.oci, children: [(a, Platform(architecture: "amd64")), (b, Platform(architecture: "arm64", variant: "v8"))])
        let listOld = builder.index(.docker, children: [(d, Platform(architecture: "amd64")), (e, Platform(architecture: "arm64", variant: "v8"))])
        let new = builder.index(.oci, children: [(b, Platform(architecture: "arm64", variant: "v8")), (c, Platform(architecture: "ppc64le"))])
        try await push(old, Repo.multi, tag: "old", hoursAgo: 100)
        try await push(listOld, Repo.multi, tag: "list-old", hoursAgo: 90)
        try await push(new, Repo.multi, tag: "new", hoursAgo: 1)

        // ci/signed: referrers (OCI subject), pushed untagged by digest.
        let s1 = builder.image(.oci, newLayers: 1, layerSize: 2600)
        let s2 = builder.image(.oci, newLayers: 1, layerSize: 2700)
        try await push(s1, Repo.signed, tag: "1", hoursAgo: 100)
        try await push(s2, Repo.signed, tag: "2", hoursAgo: 1)
        let r1 = builder.referrer(to: s1, artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json",
                                  payloadMediaType: "application/vnd.dev.cosign.simplesigning.v1+json")
        let rr1 = builder.referrer(to: r1, artifactType: "application/vnd.in-toto+json", payloadMediaType: "application/vnd.in-toto+json")
        let r2 = builder.referrer(to: s2, artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json",
                                  payloadMediaType: "application/vnd.dev.cosign.simplesigning.v1+json")
        try await push(r1, Repo.signed, tag: nil, name: "r1")
        try await push(rr1, Repo.signed, tag: nil, name: "rr1")
        try await push(r2, Repo.signed, tag: nil, name: "r2")

        // ci/cosign: cosign-style signature tags (no subject field), one whose image is then deleted through the API.
        func signature() -> BuiltManifest {
            let payload = Blob(data: builder.randomBytes(400), mediaType: "application/vnd.dev.cosign.simplesigning.v1+json")
            let config = builder.config(.oci, layers: [payload])
            return builder.manifest(.oci, config: config, layers: [payload])
        }
        let g1 = builder.image(.oci, newLayers: 1, layerSize: 2800)
        let gone = builder.image(.oci, newLayers: 1, layerSize: 2900)
        let sig1 = signature()
        let sigGone = signature()
        try await push(g1, Repo.cosign, tag: "1", hoursAgo: 6)
        try await push(sig1, Repo.cosign, tag: signatureTag(of: g1), hoursAgo: 5, name: "sig1")
        try await client.push(gone, to: Repo.cosign, tag: "2")
        try await push(sigGone, Repo.cosign, tag: signatureTag(of: gone), hoursAgo: 4, name: "sig-gone")
        try await client.deleteManifest(gone.digest, in: Repo.cosign)
        images["\(Repo.cosign):gone"] = gone

        // prod/app: shares base with ci/app; 2024 retagged (the first image stays as an untagged revision); an orphan blob.
        let retaggedAway = builder.image(.docker, sharing: [base], newLayers: 1, layerSize: 5100)
        try await client.push(retaggedAway, to: Repo.prod, tag: "2024")
        linked[Repo.prod, default: []].append(retaggedAway)
        images["\(Repo.prod):retagged-away"] = retaggedAway
        try await push(builder.image(.docker, sharing: [base], newLayers: 1, layerSize: 5200), Repo.prod, tag: "2023", hoursAgo: 2000)
        try await push(builder.image(.docker, sharing: [base], newLayers: 1, layerSize: 5300), Repo.prod, tag: "2024", hoursAgo: 1000)
        let orphan = try await client.pushBlob(builder.randomBytes(1500), to: Repo.prod)

        // Every tag answers with its digest before the store is touched.
        for tag in tags {
            let head = try await client.headManifest(tag.tag, in: tag.repository)
            guard head.status == 200, head.header("Docker-Content-Digest") == tag.digest else {
                throw FixtureError("scenario tag \(tag.repository):\(tag.tag) answers \(head.status), expected \(tag.digest)")
            }
        }
        server.stop()

        // Push times, and an upload abandoned long ago.
        var built: [Tag] = []
        for tag in tags {
            let pushedAt = now - tag.hoursAgo * 3600
            try StoreFiles.setModified(StoreLayout.tagCurrentLink(root, tag.repository, tag.tag), to: pushedAt)
            built.append(Tag(repository: tag.repository, tag: tag.tag, digest: tag.digest, pushedAt: pushedAt))
        }
        try StoreFiles.ageUpload(StoreLayout.upload(root, Repo.app, uploadID), to: now - 200 * 3600)

        let snapshot = try StoreSnapshot.capture(root)
        guard snapshot.blobDigests.contains(orphan), !FileManager.default.fileExists(atPath: StoreLayout.revisionLink(root, Repo.cosign, gone.digest).path),
              !FileManager.default.fileExists(atPath: StoreLayout.tagCurrentLink(root, Repo.cosign, "2").path)
        else { throw FixtureError("the scenario store is not what it claims (orphan blob or API delete missing)") }
        return RetentionScenario(
            root: root, tags: built, images: images, linked: linked, base: base, orphanBlob: orphan, deletedImage: gone,
            retaggedAway: retaggedAway, abandonedUpload: (uploadID, upload.count), blobSizes: snapshot.blobSizes,
            builtAt: now, buildSeconds: Date().timeIntervalSince(started))
    }
}

/// Builds the scenario once per test process; every test gets the same one.
actor ScenarioCache {
    static let shared = ScenarioCache()
    private var build: Task<RetentionScenario, any Error>?

    func scenario() async throws -> RetentionScenario {
        if let build { return try await build.value }
        let task = Task<RetentionScenario, any Error> {
            let directory = try TemporaryDirectory(prefix: "retention")
            return try await RetentionScenario.build(into: directory.url.appendingPathComponent("store"))
        }
        build = task
        return try await task.value
    }
}

/// A private copy of the scenario store for one test.
struct ScenarioCopy: Sendable {
    let directory: TemporaryDirectory
    let root: URL
    let scenario: RetentionScenario

    /// Copies the (cached) scenario store with `cp -a` (modes and mtimes kept).
    static func make() async throws -> ScenarioCopy {
        let scenario = try await ScenarioCache.shared.scenario()
        let directory = try TemporaryDirectory(prefix: "retention-copy")
        let root = directory.url.appendingPathComponent("store")
        try await StoreCopy.copyStore(from: scenario.root, to: root)
        return ScenarioCopy(directory: directory, root: root, scenario: scenario)
    }

    func snapshot() throws -> StoreSnapshot { try StoreSnapshot.capture(root) }

    /// `_manifests/tags/<tag>` of the copy.
    func tagDirectory(_ repository: String, _ tag: String) -> URL {
        StoreLayout.repository(root, repository).appendingPathComponent("_manifests/tags/\(tag)")
    }

    /// The tags present on disk in a repository.
    func tagsOnDisk(_ repository: String) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(
            atPath: StoreLayout.repository(root, repository).appendingPathComponent("_manifests/tags").path)) ?? [])
    }

    func remove() { directory.remove() }
}
