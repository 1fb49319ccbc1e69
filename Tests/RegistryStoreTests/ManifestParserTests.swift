import Testing
@testable import RegistryStore

@Suite struct ManifestParserTests {
    static let a = "sha256:" + String(repeating: "a", count: 64)
    static let b = "sha256:" + String(repeating: "b", count: 64)
    static let c = "sha256:" + String(repeating: "c", count: 64)

    func parse(_ json: String) throws -> Manifest {
        try ManifestParser.parse(Array(json.utf8)).get()
    }

    @Test func dockerSchema2ReferencesConfigAndLayers() throws {
        let m = try parse("""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
             "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7,"digest":"\(Self.a)"},
             "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":9,"digest":"\(Self.b)"}]}
            """)
        #expect(m.kind == .dockerSchema2)
        #expect(m.blobReferences.map(\.digest.description) == [Self.a, Self.b])
        #expect(m.children.isEmpty)
    }

    @Test func ociManifestWithoutMediaTypeIsRecognisedByShape() throws {
        let m = try parse(#"{"schemaVersion":2,"config":{"digest":"\#(Self.a)","size":1},"layers":[]}"#)
        #expect(m.kind == .ociManifest)
        #expect(m.mediaType == nil)
        #expect(m.config?.digest.description == Self.a)
    }

    @Test func ociIndexWithoutMediaTypeListsChildren() throws {
        let m = try parse(#"{"schemaVersion":2,"manifests":[{"digest":"\#(Self.a)","size":1},{"digest":"\#(Self.b)","size":2}]}"#)
        #expect(m.kind == .ociIndex)
        #expect(m.isIndex)
        #expect(m.children.map(\.digest.description) == [Self.a, Self.b])
        #expect(m.blobReferences.isEmpty)
    }

    @Test func dockerManifestListListsChildren() throws {
        let m = try parse("""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
             "manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"\(Self.a)","size":5,
                           "platform":{"architecture":"arm64","os":"linux"}}]}
            """)
        #expect(m.kind == .dockerManifestList)
        #expect(m.children.count == 1)
    }

    @Test func ociReferrerCarriesSubjectAndArtifactType() throws {
        let m = try parse("""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "artifactType":"application/vnd.dev.cosign.artifact.sig.v1+json",
             "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"\(Self.a)","size":2},
             "layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"\(Self.b)","size":3}],
             "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\(Self.c)","size":4}}
            """)
        #expect(m.subject?.digest.description == Self.c)
        #expect(m.artifactType == "application/vnd.dev.cosign.artifact.sig.v1+json")
        #expect(!m.blobReferences.contains { $0.digest.description == Self.c })
    }

    @Test func ociIndexMayHaveASubject() throws {
        let m = try parse(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"subject":{"digest":"\#(Self.c)","size":1}}"#)
        #expect(m.subject?.digest.description == Self.c)
    }

    @Test func foreignLayersKeepTheirUrls() throws {
        let m = try parse("""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
             "config":{"digest":"\(Self.a)","size":1},
             "layers":[{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","digest":"\(Self.b)","size":1,
                        "urls":["https://mcr.microsoft.com/v2/windows/blobs/\(Self.b)"]}]}
            """)
        #expect(m.layers.first?.isForeign == true)
    }

    @Test func signedSchema1ListsFsLayers() throws {
        let m = try parse("""
            {"schemaVersion":1,"name":"library/app","tag":"v1","architecture":"amd64",
             "fsLayers":[{"blobSum":"\(Self.a)"},{"blobSum":"\(Self.b)"}],
             "history":[{"v1Compatibility":"{}"},{"v1Compatibility":"{}"}],
             "signatures":[{"header":{"alg":"ES256"},"signature":"xx","protected":"yy"}]}
            """)
        #expect(m.kind == .dockerSchema1)
        #expect(m.layers.map(\.digest.description) == [Self.a, Self.b])
    }

    @Test func unsignedSchema1ListsFsLayers() throws {
        let m = try parse(#"{"schemaVersion":1,"name":"app","tag":"v1","fsLayers":[{"blobSum":"\#(Self.a)"}],"history":[]}"#)
        #expect(m.kind == .dockerSchema1)
        #expect(m.layers.count == 1)
    }

    @Test func garbageIsNotJSON() {
        guard case .failure(.notJSON) = ManifestParser.parse(Array("not json at all".utf8)) else {
            Issue.record("garbage parsed")
            return
        }
    }

    @Test func anUnknownMediaTypeIsRefused() {
        guard case .failure(.unknownFormat) = ManifestParser.parse(Array(#"{"schemaVersion":2,"mediaType":"text/plain","config":{"digest":"\#(Self.a)"}}"#.utf8)) else {
            Issue.record("unknown media type accepted")
            return
        }
    }

    @Test func aMalformedReferenceDigestIsRefused() {
        let json = #"{"schemaVersion":2,"config":{"digest":"sha512:abc","size":1},"layers":[]}"#
        #expect(ManifestParser.parse(Array(json.utf8)) == .failure(.badDigest("sha512:abc")))
    }

    @Test func anImageManifestWithoutConfigIsRefused() {
        guard case .failure(.unknownFormat) = ManifestParser.parse(Array(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}"#.utf8)) else {
            Issue.record("manifest without config accepted")
            return
        }
    }
}

extension Result where Success == Manifest, Failure == ManifestParser.Failure {
    static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.success(let a), .success(let b)): return a == b
        case (.failure(let a), .failure(let b)): return a == b
        default: return false
        }
    }
}
