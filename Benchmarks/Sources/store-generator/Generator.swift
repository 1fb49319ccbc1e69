@preconcurrency import Glibc

/// A content descriptor as it appears in a manifest.
struct Descriptor {
    var mediaType: String
    var hex: String
    var size: Int
}

enum ManifestKind: String {
    case dockerImage = "docker-schema2"
    case ociImage = "oci-manifest"
    case dockerList = "docker-manifest-list"
    case ociIndex = "oci-index"
    case ociReferrer = "oci-referrer"

    var isIndex: Bool { self == .dockerList || self == .ociIndex }
}

struct ManifestInfo {
    var kind: ManifestKind
    /// config + layers for images, children for indexes (what distribution 2.8 marks).
    var references: [String]
    /// The manifest an OCI referrer (signature, SBOM) refers to.
    var subject: String? = nil
}

struct Platform {
    var architecture: String
    var variant: String?
    static let all = [
        Platform(architecture: "amd64", variant: nil),
        Platform(architecture: "arm64", variant: nil),
        Platform(architecture: "arm", variant: "v7"),
    ]
}

enum MediaType {
    static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    static let dockerList = "application/vnd.docker.distribution.manifest.list.v2+json"
    static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    static let dockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    static let ociIndex = "application/vnd.oci.image.index.v1+json"
    static let ociConfig = "application/vnd.oci.image.config.v1+json"
    static let ociLayer = "application/vnd.oci.image.layer.v1.tar+gzip"
    static let ociEmpty = "application/vnd.oci.empty.v1+json"
}

final class Repository {
    let name: String
    /// Every manifest revision ever put, children included, in push order.
    var revisions: [String] = []
    var revisionSet = Set<String>()
    /// Revisions pushed by tag (not index children).
    var topLevel: [String] = []
    /// Revisions deleted through the API: link file gone, `<hex>/` directory left.
    var deleted = Set<String>()
    var tagOrder: [String] = []
    var current: [String: String] = [:]
    var history: [String: [String]] = [:]
    var layerLinks: [String] = []
    var layerLinkSet = Set<String>()
    /// Indices into the generator's pool of base layers.
    var base: [Int] = []
    /// Layers shared by many images of this repository (created lazily).
    var shared: [Int: Descriptor] = [:]
    /// Subject -> OCI referrers pushed by digest (untagged).
    var referrers: [String: [String]] = [:]

    init(name: String) { self.name = name }

    func addRevision(_ hex: String) {
        if revisionSet.insert(hex).inserted { revisions.append(hex) }
    }

    func link(_ hex: String) {
        if layerLinkSet.insert(hex).inserted { layerLinks.append(hex) }
    }

    func tag(_ tag: String, _ hex: String) {
        if current[tag] == nil { tagOrder.append(tag) }
        current[tag] = hex
        var h = history[tag, default: []]
        if !h.contains(hex) { h.append(hex) }
        history[tag] = h
    }
}

final class Generator {
    let options: Options
    var rng: SplitMix64
    let writer = TreeWriter()
    let root: String
    let v2: String
    var blobSizes: [String: Int] = [:]
    var blobOrder: [String] = []
    var manifests: [String: ManifestInfo] = [:]
    var pool: [Int: Descriptor] = [:]
    var repositories: [Repository] = []
    var pushCounter = 0
    var orphans = 0
    /// Makes real gzip layers (`--gzip-layers`); nil for the GC benchmarks' small noise layers.
    let gzip: GzipLayerMaker?
    var gzipLayers = 0

    static let poolSize = 24
    static let movingTags = ["latest", "main", "develop", "staging", "production", "nightly", "edge", "stable"]

    init(options: Options, root: String) {
        self.options = options
        self.rng = SplitMix64(seed: options.seed)
        self.root = root
        self.v2 = root + "/docker/registry/v2"
        self.gzip = options.gzipLayers ? GzipLayerMaker(seed: options.seed, level: options.gzipLevel) : nil
    }

    // MARK: blobs

    @discardableResult
    func putBlob(_ content: [UInt8]) -> (hex: String, size: Int) {
        let hex = sha256Hex(content)
        if blobSizes[hex] == nil {
            writer.write("\(v2)/blobs/sha256/\(hex.prefix(2))/\(hex)/data", content)
            blobSizes[hex] = content.count
            blobOrder.append(hex)
        }
        return (hex, content.count)
    }

    func newLayer(oci: Bool, base: Bool = false) -> Descriptor {
        if let gzip {
            // A real gzip stream (backup benchmarks); base layers are the big ones.
            let lower = base ? max(options.layerMin, options.layerMax / 4) : options.layerMin
            let size = logUniform(lower, options.layerMax, rng: &rng)
            let (hex, stored) = putBlob(gzip.make(size: size, seed: rng.next()))
            gzipLayers += 1
            return Descriptor(mediaType: oci ? MediaType.ociLayer : MediaType.dockerLayer, hex: hex, size: stored)
        }
        // Gzip magic then noise: looks like a compressed tar, size is irrelevant to GC.
        var content: [UInt8] = [0x1f, 0x8b, 0x08, 0x00]
        content += rng.bytes(rng.int(200...4096))
        let (hex, size) = putBlob(content)
        return Descriptor(mediaType: oci ? MediaType.ociLayer : MediaType.dockerLayer, hex: hex, size: size)
    }

    func randomHex(_ count: Int) -> String {
        rng.bytes(count / 2).withUnsafeBytes { hexString($0) }
    }

    func timestamp(_ n: Int) -> String {
        // 2024-01-01T00:00:00Z plus n hours, rendered without Foundation.
        var t = time_t(1_704_067_200 + n * 3600)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(tmv.tm_year + 1900)-\(two(tmv.tm_mon + 1))-\(two(tmv.tm_mday))T\(two(tmv.tm_hour)):\(two(tmv.tm_min)):\(two(tmv.tm_sec))Z"
    }

    func newConfig(oci: Bool, platform: Platform, layers: Int, push: Int, repo: String) -> Descriptor {
        let created = timestamp(push)
        let diffIDs = (0..<layers).map { _ in "\"sha256:\(randomHex(64))\"" }.joined(separator: ",")
        let history = (0..<layers).map { i in
            "{\"created\":\"\(created)\",\"created_by\":\"/bin/sh -c #(nop) step \(i) of \(repo)\"}"
        }.joined(separator: ",")
        let variant = platform.variant.map { ",\"variant\":\"\($0)\"" } ?? ""
        let json = """
            {"architecture":"\(platform.architecture)"\(variant),"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],\
            "Cmd":["/app"],"WorkingDir":"/srv","Labels":{"org.opencontainers.image.revision":"\(randomHex(40))",\
            "org.opencontainers.image.source":"https://git.example.com/\(repo)"}},"created":"\(created)",\
            "history":[\(history)],"os":"linux","rootfs":{"type":"layers","diff_ids":[\(diffIDs)]}}
            """
        let (hex, size) = putBlob(Array(json.utf8))
        return Descriptor(mediaType: oci ? MediaType.ociConfig : MediaType.dockerConfig, hex: hex, size: size)
    }

    func poolLayer(_ index: Int, oci: Bool) -> Descriptor {
        if var d = pool[index] {
            d.mediaType = oci ? MediaType.ociLayer : MediaType.dockerLayer
            return d
        }
        let d = newLayer(oci: oci, base: true)
        pool[index] = d
        return d
    }

    func descriptorJSON(_ d: Descriptor, indent: String) -> String {
        """
        {
        \(indent)   "mediaType": "\(d.mediaType)",
        \(indent)   "size": \(d.size),
        \(indent)   "digest": "sha256:\(d.hex)"
        \(indent)}
        """
    }

    /// Puts an image manifest (with its config and layers) and returns its descriptor.
    func newImage(_ repo: Repository, oci: Bool, platform: Platform, platformIndex: Int) -> Descriptor {
        pushCounter += 1
        var layers: [Descriptor] = repo.base.map { poolLayer(platformIndex * Generator.poolSize + $0, oci: oci) }
        if rng.chance(0.5) {
            let k = platformIndex * 4 + rng.int(0...3)
            if let d = repo.shared[k] {
                layers.append(Descriptor(mediaType: oci ? MediaType.ociLayer : MediaType.dockerLayer, hex: d.hex, size: d.size))
            } else {
                let d = newLayer(oci: oci)
                repo.shared[k] = d
                layers.append(d)
            }
        }
        for _ in 0..<rng.int(1...3) { layers.append(newLayer(oci: oci)) }
        let config = newConfig(oci: oci, platform: platform, layers: layers.count, push: pushCounter, repo: repo.name)

        let json: String
        if oci {
            // Compact, as buildkit writes them; one in ten without mediaType (allowed by OCI).
            let layerList = layers.map { "{\"mediaType\":\"\($0.mediaType)\",\"digest\":\"sha256:\($0.hex)\",\"size\":\($0.size)}" }
                .joined(separator: ",")
            let mediaType = rng.chance(0.1) ? "" : "\"mediaType\":\"\(MediaType.ociManifest)\","
            json = """
                {"schemaVersion":2,\(mediaType)"config":{"mediaType":"\(config.mediaType)","digest":"sha256:\(config.hex)",\
                "size":\(config.size)},"layers":[\(layerList)],\
                "annotations":{"org.opencontainers.image.created":"\(timestamp(pushCounter))"}}
                """
        } else {
            // Pretty-printed with three spaces, as the Docker daemon writes them.
            let layerList = layers.map { "      " + descriptorJSON($0, indent: "      ") }.joined(separator: ",\n")
            json = """
                {
                   "schemaVersion": 2,
                   "mediaType": "\(MediaType.dockerManifest)",
                   "config": \(descriptorJSON(config, indent: "   ")),
                   "layers": [
                \(layerList)
                   ]
                }
                """
        }
        let (hex, size) = putBlob(Array(json.utf8))
        manifests[hex] = ManifestInfo(kind: oci ? .ociImage : .dockerImage, references: [config.hex] + layers.map(\.hex))
        repo.link(config.hex)
        for l in layers { repo.link(l.hex) }
        repo.addRevision(hex)
        return Descriptor(mediaType: oci ? MediaType.ociManifest : MediaType.dockerManifest, hex: hex, size: size)
    }

    /// Puts a multi-arch index (children pushed first, by digest) and returns its descriptor.
    func newIndex(_ repo: Repository, oci: Bool) -> Descriptor {
        let count = rng.int(2...3)
        var children: [(Descriptor, Platform)] = []
        for p in 0..<count {
            let platform = Platform.all[p]
            children.append((newImage(repo, oci: oci, platform: platform, platformIndex: p), platform))
        }
        let entries = children.map { d, p in
            let variant = p.variant.map { ",\"variant\":\"\($0)\"" } ?? ""
            return "{\"mediaType\":\"\(d.mediaType)\",\"digest\":\"sha256:\(d.hex)\",\"size\":\(d.size),"
                + "\"platform\":{\"architecture\":\"\(p.architecture)\",\"os\":\"linux\"\(variant)}}"
        }.joined(separator: ",")
        let json = "{\"schemaVersion\":2,\"mediaType\":\"\(oci ? MediaType.ociIndex : MediaType.dockerList)\",\"manifests\":[\(entries)]}"
        let (hex, size) = putBlob(Array(json.utf8))
        manifests[hex] = ManifestInfo(kind: oci ? .ociIndex : .dockerList, references: children.map { $0.0.hex })
        repo.addRevision(hex)
        return Descriptor(mediaType: oci ? MediaType.ociIndex : MediaType.dockerList, hex: hex, size: size)
    }

    /// Puts an OCI 1.1 referrer of `subject` by digest (no tag), as `cosign` / `oras attach`
    /// do against registries with the referrers API: empty config, one payload layer.
    func newReferrer(_ repo: Repository, subject: Descriptor, sbom: Bool) -> Descriptor {
        pushCounter += 1
        let empty = putBlob(Array("{}".utf8))
        let artifactType = sbom ? "application/spdx+json" : "application/vnd.dev.cosign.artifact.sig.v1+json"
        let payload: [UInt8]
        if sbom {
            let packages = (0..<rng.int(5...40)).map { i in
                "{\"SPDXID\":\"SPDXRef-Package-\(i)-\(randomHex(8))\",\"name\":\"pkg-\(i)\",\"versionInfo\":\"1.\(i).\(rng.int(0...9))\"}"
            }.joined(separator: ",")
            payload = Array("{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"\(repo.name)\",\"packages\":[\(packages)]}".utf8)
        } else {
            payload = Array("""
                {"critical":{"identity":{"docker-reference":"registry.example.com/\(repo.name)"},\
                "image":{"docker-manifest-digest":"sha256:\(subject.hex)"},"type":"cosign container image signature"},\
                "optional":{"nonce":"\(randomHex(32))"}}
                """.utf8)
        }
        let layer = putBlob(payload)
        let layerType = sbom ? "application/spdx+json" : "application/vnd.dev.cosign.simplesigning.v1+json"
        let json = """
            {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)","artifactType":"\(artifactType)",\
            "config":{"mediaType":"\(MediaType.ociEmpty)","digest":"sha256:\(empty.hex)","size":\(empty.size)},\
            "layers":[{"mediaType":"\(layerType)","digest":"sha256:\(layer.hex)","size":\(layer.size)}],\
            "subject":{"mediaType":"\(subject.mediaType)","digest":"sha256:\(subject.hex)","size":\(subject.size)},\
            "annotations":{"org.opencontainers.image.created":"\(timestamp(pushCounter))"}}
            """
        let (hex, size) = putBlob(Array(json.utf8))
        manifests[hex] = ManifestInfo(kind: .ociReferrer, references: [empty.hex, layer.hex], subject: subject.hex)
        repo.link(empty.hex)
        repo.link(layer.hex)
        repo.addRevision(hex)
        repo.referrers[subject.hex, default: []].append(hex)
        return Descriptor(mediaType: MediaType.ociManifest, hex: hex, size: size)
    }

    func tagName(_ k: Int, moving: Int) -> String {
        if k < moving { return Generator.movingTags[k] }
        switch k % 3 {
        case 0: return "build-\(1000 + k)"
        case 1: return "sha-\(randomHex(8).prefix(7))"
        default: return "v\(1 + k / 100).\(k / 10 % 10).\(k % 10)"
        }
    }

    /// Simulates `pushes` tagged pushes leaving exactly `tags` tags: the first push of each tag
    /// creates it, the other pushes move one of the moving tags (latest, main, ...).
    func populate(_ repo: Repository, tags: Int, pushes: Int, indexFraction: Double, referrerFraction: Double,
                  deletedFraction: Double) {
        repo.base = (0..<rng.int(1...3)).map { _ in rng.int(0...(Generator.poolSize - 1)) }
        var isNew = [Bool](repeating: false, count: pushes)
        var slots = Array(1..<pushes)
        slots.shuffle(using: &rng)
        isNew[0] = true
        for s in slots.prefix(tags - 1) { isNew[s] = true }
        let moving = min(tags, tags <= 12 ? max(1, tags / 3) : Generator.movingTags.count)
        var created = 0
        for i in 0..<pushes {
            let oci = rng.chance(options.ociFraction)
            let pushed = rng.chance(indexFraction)
                ? newIndex(repo, oci: oci)
                : newImage(repo, oci: oci, platform: Platform.all[0], platformIndex: 0)
            let hex = pushed.hex
            repo.topLevel.append(hex)
            if rng.chance(referrerFraction) {
                // A signature, an SBOM, or both; sometimes the SBOM is signed too.
                let which = rng.int(0...2)
                if which != 1 { _ = newReferrer(repo, subject: pushed, sbom: false) }
                if which != 0 {
                    let sbom = newReferrer(repo, subject: pushed, sbom: true)
                    if rng.chance(0.3) { _ = newReferrer(repo, subject: sbom, sbom: false) }
                }
            }
            let tag: String
            if isNew[i] {
                tag = tagName(created, moving: moving)
                created += 1
            } else {
                tag = repo.tagOrder[rng.int(0...(min(created, moving) - 1))]
            }
            repo.tag(tag, hex)
        }
        if deletedFraction > 0 {
            let tagged = Set(repo.current.values)
            // Never a manifest that has referrers: a referrer of a deleted manifest is an edge
            // case on which distribution 2.8 and 3.x disagree (3.x marks the subject).
            var untagged = repo.topLevel.filter { !tagged.contains($0) && repo.referrers[$0] == nil }
            untagged.shuffle(using: &rng)
            for hex in untagged.prefix(Int((Double(untagged.count) * deletedFraction).rounded())) {
                repo.deleted.insert(hex)
            }
        }
    }

    /// Every manifest deleted through the API: no links, no tags, `_layers` links stay.
    func empty(_ repo: Repository) {
        repo.deleted = repo.revisionSet
        repo.tagOrder = []
        repo.current = [:]
        repo.history = [:]
    }

    func run() {
        let o = options
        let blobsPerPush = 4.0 + 7.0 * o.indexFraction + 3.0 * o.referrerFraction
        var pushes = o.pushesPerRepo ?? max(o.tagsPerRepo, 3 * o.tagsPerRepo)
        if o.pushesPerRepo == nil, let target = o.blobs, o.repos > 0 {
            let live = Double(target) * (1 - o.orphanFraction) - Double(o.ciPushes) * 4.0
            pushes = max(o.tagsPerRepo, Int(live / (Double(o.repos) * blobsPerPush)))
        }
        pushes = max(pushes, o.tagsPerRepo)

        for r in 0..<o.repos {
            // Some repositories nest inside the previous one (team-1/app-3 and team-1/app-3/worker).
            let name = r % 10 == 9 ? "\(repositories[r - 1].name)/worker" : "team-\(r / 10)/app-\(r)"
            let repo = Repository(name: name)
            populate(repo, tags: o.tagsPerRepo, pushes: pushes, indexFraction: o.indexFraction,
                     referrerFraction: o.referrerFraction, deletedFraction: o.deletedFraction)
            repositories.append(repo)
        }
        for r in 0..<o.emptiedRepos { empty(repositories[o.repos - 1 - r]) }
        if o.ciTags > 0 {
            let repo = Repository(name: o.ciName)
            populate(repo, tags: o.ciTags, pushes: o.ciPushes, indexFraction: 0, referrerFraction: 0, deletedFraction: 0)
            repositories.append(repo)
        }

        // Orphans: finished uploads no manifest refers to; half of them linked into a repository.
        let wanted = Int((o.orphanFraction * Double(blobSizes.count) / (1 - o.orphanFraction)).rounded())
        for _ in 0..<wanted {
            let d = newLayer(oci: false)
            orphans += 1
            if rng.chance(0.5), !repositories.isEmpty {
                repositories[rng.int(0...(repositories.count - 1))].link(d.hex)
            }
        }
        writer.makeDirectories("\(v2)/blobs/sha256")
        writer.makeDirectories("\(v2)/repositories")
        for repo in repositories { write(repo) }
        for u in 0..<o.uploads where !repositories.isEmpty {
            let repo = repositories[u % repositories.count]
            let uuid = "\(randomHex(8))-\(randomHex(4))-4\(randomHex(4).prefix(3))-a\(randomHex(4).prefix(3))-\(randomHex(12))"
            let dir = "\(v2)/repositories/\(repo.name)/_uploads/\(uuid)"
            let data = rng.bytes(rng.int(1000...8000))
            writer.write("\(dir)/data", data)
            writer.write("\(dir)/startedat", timestamp(u))
            writer.write("\(dir)/hashstates/sha256/\(data.count)", rng.bytes(108))
        }
    }

    func linkContent(_ hex: String) -> String { "sha256:" + hex }

    func write(_ repo: Repository) {
        let base = "\(v2)/repositories/\(repo.name)"
        for hex in repo.layerLinks {
            writer.write("\(base)/_layers/sha256/\(hex)/link", linkContent(hex))
        }
        for hex in repo.revisions {
            if repo.deleted.contains(hex) {
                writer.makeDirectories("\(base)/_manifests/revisions/sha256/\(hex)")
            } else {
                writer.write("\(base)/_manifests/revisions/sha256/\(hex)/link", linkContent(hex))
            }
        }
        writer.makeDirectories("\(base)/_manifests/tags")
        for tag in repo.tagOrder {
            writer.write("\(base)/_manifests/tags/\(tag)/current/link", linkContent(repo.current[tag]!))
            for hex in repo.history[tag]! {
                writer.write("\(base)/_manifests/tags/\(tag)/index/sha256/\(hex)/link", linkContent(hex))
            }
        }
        // Every blob upload leaves an empty _uploads/ behind.
        writer.makeDirectories("\(base)/_uploads")
    }
}
