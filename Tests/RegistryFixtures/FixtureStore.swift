import Foundation

/// The scenario: one store built through the real registry (and skopeo) that holds every case
/// the collector must handle, recorded in a `FixtureRecord`.
///
/// | repository | contents |
/// |---|---|
/// | `library/alpine` | schema2 image tagged `3.19` and `latest`; `edge` pushed then deleted by digest; two blobs no manifest references; two abandoned uploads |
/// | `team/app` | OCI images pushed with skopeo; `v1` retagged to a newer image; a referrer of `v1` and a referrer of that referrer, both untagged |
/// | `team/app/api` | OCI image nested inside `team/app`, with a layer cross-repo mounted from `library/alpine` |
/// | `old/service` | two schema2 images, both deleted by digest (repo emptied) |
/// | `multi/docker` | Docker manifest list `1.0` with two untagged schema2 children |
/// | `multi/oci` | OCI index `2.0` with two untagged OCI children, pushed with skopeo `--all` |
/// | `win/servercore` | OCI image `ltsc2022` with a foreign layer (`urls`) whose blob was never pushed |
/// | `mirror/alpine` | `edge` tags the manifest deleted from `library/alpine`; `library/alpine:3.19`'s manifest is an untagged revision here |
public enum FixtureStore {
    /// Repository names used by the scenario.
    public enum Repo {
        public static let alpine = "library/alpine"
        public static let app = "team/app"
        public static let api = "team/app/api"
        public static let old = "old/service"
        public static let dockerList = "multi/docker"
        public static let ociIndex = "multi/oci"
        public static let foreign = "win/servercore"
        public static let mirror = "mirror/alpine"
        public static let all = [alpine, app, api, old, dockerList, ociIndex, foreign, mirror]
    }

    /// Builds the scenario into `root` (a fresh directory) with a real registry, stops the
    /// registry, and returns what was built.
    public static func build(into root: URL, seed: UInt64 = 0x5EED_F1C7) async throws -> FixtureRecord {
        let server = try await RegistryServer.start(storeRoot: root)
        defer { server.stop() }
        let layoutDirectory = try TemporaryDirectory(prefix: "layout")
        defer { layoutDirectory.remove() }
        var layout = try OCILayoutWriter(directory: layoutDirectory.url)
        let client = server.client
        var builder = ImageBuilder(seed: seed)
        var record = FixtureRecord()
        record.repositories = Repo.all

        func note(_ manifest: BuiltManifest, in repository: String, role: FixtureRecord.Role) {
            record.manifests.append(.init(
                repository: repository, digest: manifest.digest, mediaType: manifest.mediaType,
                references: manifest.references, subject: manifest.subject, role: role))
        }
        func noteTag(_ manifest: BuiltManifest, _ repository: String, _ tag: String) {
            record.tags.append(.init(repository: repository, tag: tag, digest: manifest.digest, mediaType: manifest.mediaType))
        }

        // library/alpine: schema2, two tags on one manifest; a shared and a to-be-mounted layer.
        let shared = builder.layer(.docker, size: 8192)
        let mounted = builder.layer(.docker, size: 3000)
        let alpine = builder.image(.docker, sharing: [shared, mounted], newLayers: 1, layerSize: 20_000)
        try await client.push(alpine, to: Repo.alpine, tag: "3.19")
        try await client.putManifest(alpine, to: Repo.alpine, reference: "latest")
        note(alpine, in: Repo.alpine, role: .tagged)
        noteTag(alpine, Repo.alpine, "3.19")
        noteTag(alpine, Repo.alpine, "latest")

        // library/alpine:edge, deleted by digest (its tag dir goes with it).
        let edge = builder.image(.docker, sharing: [shared], newLayers: 1, layerSize: 5000)
        try await client.push(edge, to: Repo.alpine, tag: "edge")
        try await client.deleteManifest(edge.digest, in: Repo.alpine)
        note(edge, in: Repo.alpine, role: .deleted)
        record.deletedManifests.append(RepositoryDigest(repository: Repo.alpine, digest: edge.digest))

        // Blobs nobody references, and abandoned uploads.
        for size in [1500, 2500] {
            let digest = try await client.pushBlob(builder.randomBytes(size), to: Repo.alpine)
            record.unreferencedBlobs.append(RepositoryDigest(repository: Repo.alpine, digest: digest))
        }
        let partial = builder.randomBytes(700)
        record.abandonedUploads.append(.init(
            repository: Repo.alpine, uuid: try await client.abandonUpload(in: Repo.alpine, sending: partial), bytesSent: partial.count))
        record.abandonedUploads.append(.init(
            repository: Repo.alpine, uuid: try await client.abandonUpload(in: Repo.alpine), bytesSent: 0))

        // team/app: OCI via skopeo; the shared layer pushed again separately; v1 retagged.
        let sharedOCI = Blob(data: shared.data, mediaType: MediaType.ociLayer)
        let appOld = builder.image(.oci, sharing: [sharedOCI], newLayers: 2, layerSize: 6000)
        try layout.add(appOld, tag: "v1")
        try await Skopeo.push(layout: layout, tag: "v1", to: server.hostAndPort, repository: Repo.app)
        let appNew = builder.image(.oci, sharing: [sharedOCI], newLayers: 1, layerSize: 7000)
        try layout.add(appNew, tag: "v1")
        try await Skopeo.push(layout: layout, tag: "v1", to: server.hostAndPort, repository: Repo.app)
        note(appOld, in: Repo.app, role: .retaggedAway)
        note(appNew, in: Repo.app, role: .tagged)
        noteTag(appNew, Repo.app, "v1")
        record.sharedLayer = shared.digest
        record.sharedLayerRepositories = [Repo.alpine, Repo.app]
        let appNewBlobs = Set(appNew.blobs.map(\.digest))
        record.retag = .init(
            repository: Repo.app, tag: "v1", oldDigest: appOld.digest, newDigest: appNew.digest,
            oldOnlyBlobs: Set([appOld.digest] + appOld.blobs.map(\.digest)).subtracting(appNewBlobs))

        // Referrers: a signature of team/app:v1, and an attestation of the signature (no mediaType field).
        let signature = builder.referrer(
            to: appNew, artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json",
            payloadMediaType: "application/vnd.dev.cosign.simplesigning.v1+json")
        try await client.push(signature, to: Repo.app, tag: nil)
        note(signature, in: Repo.app, role: .referrer)
        record.referrer = RepositoryDigest(repository: Repo.app, digest: signature.digest)
        let attestation = builder.referrer(
            to: signature, artifactType: "application/vnd.in-toto+json",
            payloadMediaType: "application/vnd.in-toto+json", omitMediaType: true)
        try await client.push(attestation, to: Repo.app, tag: nil)
        note(attestation, in: Repo.app, role: .referrer)
        record.referrerOfReferrer = RepositoryDigest(repository: Repo.app, digest: attestation.digest)

        // team/app/api: nested in team/app; one layer cross-repo mounted from library/alpine.
        try await client.mountBlob(mounted.digest, from: Repo.alpine, into: Repo.api)
        let mountedOCI = Blob(data: mounted.data, mediaType: MediaType.ociLayer)
        let api = builder.image(.oci, sharing: [mountedOCI], newLayers: 1)
        try await client.push(api, to: Repo.api, tag: "1.0", skipping: [mounted.digest])
        note(api, in: Repo.api, role: .tagged)
        noteTag(api, Repo.api, "1.0")
        record.mountedLayer = mounted.digest
        record.mountSource = Repo.alpine
        record.mountTarget = Repo.api

        // old/service: every manifest deleted by digest.
        for tag in ["1", "2"] {
            let image = builder.image(.docker, newLayers: 2, layerSize: 4000)
            try await client.push(image, to: Repo.old, tag: tag)
            try await client.deleteManifest(image.digest, in: Repo.old)
            note(image, in: Repo.old, role: .deleted)
            record.deletedManifests.append(RepositoryDigest(repository: Repo.old, digest: image.digest))
        }

        // multi/docker: Docker manifest list, children pushed by digest.
        let amd64 = builder.image(.docker, newLayers: 2, architecture: "amd64")
        let arm64 = builder.image(.docker, newLayers: 2, architecture: "arm64")
        let list = builder.index(.docker, children: [
            (amd64, Platform(architecture: "amd64")), (arm64, Platform(architecture: "arm64", variant: "v8")),
        ])
        try await client.push(list, to: Repo.dockerList, tag: "1.0")
        note(amd64, in: Repo.dockerList, role: .indexChild)
        note(arm64, in: Repo.dockerList, role: .indexChild)
        note(list, in: Repo.dockerList, role: .tagged)
        noteTag(list, Repo.dockerList, "1.0")
        record.manifestList = .init(repository: Repo.dockerList, tag: "1.0", digest: list.digest, children: [amd64.digest, arm64.digest])

        // multi/oci: OCI index pushed with skopeo --all.
        let ociAmd64 = builder.image(.oci, newLayers: 1, architecture: "amd64")
        let ociArm64 = builder.image(.oci, newLayers: 1, architecture: "arm64")
        let index = builder.index(.oci, children: [
            (ociAmd64, Platform(architecture: "amd64")), (ociArm64, Platform(architecture: "arm64", variant: "v8")),
        ])
        try layout.add(index, tag: "2.0")
        try await Skopeo.push(layout: layout, tag: "2.0", to: server.hostAndPort, repository: Repo.ociIndex, all: true)
        note(ociAmd64, in: Repo.ociIndex, role: .indexChild)
        note(ociArm64, in: Repo.ociIndex, role: .indexChild)
        note(index, in: Repo.ociIndex, role: .tagged)
        noteTag(index, Repo.ociIndex, "2.0")
        record.ociIndex = .init(repository: Repo.ociIndex, tag: "2.0", digest: index.digest, children: [ociAmd64.digest, ociArm64.digest])

        // win/servercore: OCI image whose first layer is foreign (never pushed).
        let foreign = builder.foreignLayer()
        let local = builder.layer(.oci, size: 2500)
        let windowsConfig = builder.config(.oci, layers: [local])
        let windows = builder.manifest(.oci, config: windowsConfig, layers: [local], foreignLayers: [foreign])
        try await client.push(windows, to: Repo.foreign, tag: "ltsc2022")
        note(windows, in: Repo.foreign, role: .tagged)
        noteTag(windows, Repo.foreign, "ltsc2022")
        record.foreignLayer = .init(repository: Repo.foreign, tag: "ltsc2022", manifestDigest: windows.digest, layerDigest: foreign.digest)

        // mirror/alpine: one manifest's life differs per repository; blobs are shared store-wide.
        try await client.push(edge, to: Repo.mirror, tag: "edge")
        note(edge, in: Repo.mirror, role: .tagged)
        noteTag(edge, Repo.mirror, "edge")
        record.deletedHereTaggedThere = RepositoryDigest(repository: Repo.mirror, digest: edge.digest)
        try await client.push(alpine, to: Repo.mirror, tag: nil)
        note(alpine, in: Repo.mirror, role: .untagged)
        record.taggedHereUntaggedThere = RepositoryDigest(repository: Repo.mirror, digest: alpine.digest)

        try await verifyServed(record, by: client)
        server.stop()

        try finish(&record, root: root)
        return record
    }

    /// Checks, through the API, that every tag resolves to the recorded digest.
    private static func verifyServed(_ record: FixtureRecord, by client: RegistryClient) async throws {
        for tag in record.tags {
            let head = try await client.headManifest(tag.tag, in: tag.repository)
            guard head.status == 200, head.header("Docker-Content-Digest") == tag.digest else {
                throw FixtureError("tag \(tag.repository):\(tag.tag) answers \(head.status) \(head.header("Docker-Content-Digest") ?? "-"), expected \(tag.digest)")
            }
        }
        for deleted in record.deletedManifests {
            let head = try await client.headManifest(deleted.digest, in: deleted.repository)
            guard head.status == 404 else { throw FixtureError("deleted manifest \(deleted) still answers \(head.status)") }
        }
    }

    /// Fills in the blobs present and the expected deletions, and checks the store holds what the
    /// scenario claims (so a fixture that silently lost a case fails loudly).
    private static func finish(_ record: inout FixtureRecord, root: URL) throws {
        let snapshot = try StoreSnapshot.capture(root)
        record.blobsPresent = snapshot.blobDigests
        record.expectedDeletedBlobsDefault = record.blobsPresent.subtracting(FixtureRecord.marked(by: record.liveManifestsDefault))
        record.expectedDeletedBlobsUntagged = record.blobsPresent.subtracting(FixtureRecord.marked(by: record.liveManifestsUntagged))
        let liveUntagged = Set(record.liveManifestsUntagged.map { RepositoryDigest(repository: $0.repository, digest: $0.digest) })
        record.expectedDeletedManifestsUntagged = Set(record.liveManifestsDefault
            .map { RepositoryDigest(repository: $0.repository, digest: $0.digest) }
            .filter { !liveUntagged.contains($0) })

        func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            if !condition { throw FixtureError(message()) }
        }
        let revisions = Set(snapshot.revisionLinks)
        for manifest in record.manifests {
            let key = RepositoryDigest(repository: manifest.repository, digest: manifest.digest)
            try require(record.blobsPresent.contains(manifest.digest), "manifest blob \(key) missing from the store")
            try require(revisions.contains(key) == (manifest.role != .deleted), "revision link of \(key) (\(manifest.role)) in wrong state")
        }
        try require(!record.blobsPresent.contains(record.foreignLayer.layerDigest), "foreign layer blob is in the store")
        for blob in record.unreferencedBlobs {
            try require(record.expectedDeletedBlobsDefault.contains(blob.digest), "unreferenced blob \(blob) would be kept")
        }
        for upload in record.abandonedUploads {
            let path = StoreLayout.relative(StoreLayout.upload(root, upload.repository, upload.uuid), to: root)
            try require(snapshot.entries[path]?.kind == .directory, "abandoned upload \(path) missing")
        }
        try require(snapshot.layerLinks.contains(RepositoryDigest(repository: record.mountTarget, digest: record.mountedLayer)),
                    "mounted layer link missing")
        try require(record.expectedDeletedBlobsUntagged.isSuperset(of: record.expectedDeletedBlobsDefault),
                    "untagged mode should delete a superset of default mode")
        try require(record.expectedDeletedBlobsUntagged.isSuperset(of: record.retag.oldOnlyBlobs), "retagged-away blobs would survive")
        try require(record.expectedDeletedManifestsUntagged == [
            RepositoryDigest(repository: record.retag.repository, digest: record.retag.oldDigest), record.taggedHereUntaggedThere,
        ], "unexpected untagged set \(record.expectedDeletedManifestsUntagged)")
        for digest in [record.deletedHereTaggedThere.digest, record.taggedHereUntaggedThere.digest] {
            try require(!record.expectedDeletedBlobsUntagged.contains(digest), "\(digest) would be deleted though tagged somewhere")
        }
    }
}
