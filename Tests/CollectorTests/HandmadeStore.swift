import Collector
import FilesystemStore
import Foundation
import Hashing
import RegistryStore

/// A store written file by file in a temporary directory, for behaviours that need exact control
/// of the layout (symlinks, broken links, timestamps). Stores made by the real registry are in
/// the integration tests.
final class HandmadeStore {
    let root: URL
    var v2: URL { root.appendingPathComponent("docker/registry/v2") }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("regkeeper-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("docker/registry/v2/blobs/sha256"),
                                                withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("docker/registry/v2/repositories"),
                                                withIntermediateDirectories: true)
    }

    deinit {
        _ = try? FileManager.default.removeItem(at: root.deletingLastPathComponent().appendingPathComponent(root.lastPathComponent + "-outside"))
        _ = try? FileManager.default.removeItem(at: root)
    }

    /// A directory beside the store (outside it), for symlink-escape tests.
    var outside: URL { root.deletingLastPathComponent().appendingPathComponent(root.lastPathComponent + "-outside") }

    func write(_ relative: String, _ bytes: [UInt8], base: URL? = nil) throws {
        let url = (base ?? v2).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func write(_ relative: String, _ text: String) throws { try write(relative, Array(text.utf8)) }

    @discardableResult
    func blob(_ bytes: [UInt8]) throws -> Digest {
        let digest = Digest(bytes: SHA256.hash(bytes))!
        try write(StoreLayout.blobData(digest), bytes)
        return digest
    }

    @discardableResult
    func blob(_ text: String) throws -> Digest { try blob(Array(text.utf8)) }

    func link(_ relativeDirectory: String, _ digest: Digest) throws {
        try write(relativeDirectory + "/link", digest.description)
    }

    func revision(_ repository: String, _ digest: Digest) throws {
        try link(StoreLayout.revisionDirectory(repository, digest), digest)
    }

    func tag(_ repository: String, _ tag: String, _ digest: Digest) throws {
        try write(StoreLayout.tagCurrentLink(repository, tag), digest.description)
        try link(StoreLayout.tagIndexEntry(repository, tag, digest), digest)
    }

    /// Pushes an image as the registry would: blobs, layer links, manifest blob, revision, tag.
    @discardableResult
    func image(_ repository: String, tag: String? = nil, layers: [String], subject: Digest? = nil,
               artifactType: String? = nil) throws -> (manifest: Digest, config: Digest, layers: [Digest]) {
        let config = try blob("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":\"\(repository)\(layers)\"}")
        let layerDigests = try layers.map { try blob($0) }
        for digest in [config] + layerDigests { try link(StoreLayout.layerLinkDirectory(repository, digest), digest) }
        var json = "{\"schemaVersion\":2,\"mediaType\":\"\(MediaType.ociManifest)\","
        if let artifactType { json += "\"artifactType\":\"\(artifactType)\"," }
        json += "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"\(config)\",\"size\":1},"
        json += "\"layers\":[" + layerDigests.map { "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"\($0)\",\"size\":1}" }.joined(separator: ",") + "]"
        if let subject { json += ",\"subject\":{\"mediaType\":\"\(MediaType.ociManifest)\",\"digest\":\"\(subject)\",\"size\":1}" }
        json += "}"
        let manifest = try blob(json)
        try revision(repository, manifest)
        if let tag { try self.tag(repository, tag, manifest) }
        return (manifest, config, layerDigests)
    }

    /// Pushes an OCI index over already-pushed children.
    @discardableResult
    func index(_ repository: String, tag: String?, children: [Digest]) throws -> Digest {
        let json = "{\"schemaVersion\":2,\"mediaType\":\"\(MediaType.ociIndex)\",\"manifests\":["
            + children.map { "{\"mediaType\":\"\(MediaType.ociManifest)\",\"digest\":\"\($0)\",\"size\":1}" }.joined(separator: ",") + "]}"
        let digest = try blob(json)
        try revision(repository, digest)
        if let tag { try self.tag(repository, tag, digest) }
        return digest
    }

    func exists(_ relative: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: v2.appendingPathComponent(relative).path, isDirectory: &isDirectory)
    }

    func hasBlob(_ digest: Digest) -> Bool { exists(StoreLayout.blobData(digest)) }

    /// Sets a path's mtime to `secondsAgo` in the past.
    func age(_ relative: String, seconds secondsAgo: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -secondsAgo)],
                                              ofItemAtPath: v2.appendingPathComponent(relative).path)
    }

    /// Ages every file and directory in the store.
    func ageEverything(seconds: Double) throws {
        let enumerator = FileManager.default.enumerator(atPath: v2.path)!
        while let path = enumerator.nextObject() as? String {
            let url = v2.appendingPathComponent(path)
            if (try? url.resourceValues(forKeys: [.isSymbolicLinkKey]).isSymbolicLink) == true { continue }
            try age(path, seconds: seconds)
        }
    }

    /// Every path below the store root with its type, size and content hash.
    func snapshot() throws -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root.path)!
        while let path = enumerator.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(path).path)
            let type = attributes[.type] as? FileAttributeType
            var description = "\(type?.rawValue ?? "?")"
            if type == .typeRegular {
                let data = try Data(contentsOf: root.appendingPathComponent(path))
                description += " \(data.count) \(Digest(bytes: SHA256.hash(Array(data)))!.hex)"
            }
            result[path] = description
        }
        return result
    }

    /// Runs a collection with the grace period off unless given.
    func collect(deleteUntagged: Bool = false, dryRun: Bool = false, minimumAge: Int64 = 0,
                 uploadAge: Int64 = 168 * 3600 * 1_000_000_000, removeEmptyRepositories: Bool = false) throws -> CollectionResult {
        var options = CollectionOptions()
        options.deleteUntagged = deleteUntagged
        options.dryRun = dryRun
        options.minimumAge = minimumAge
        options.uploadAge = uploadAge
        options.removeEmptyRepositories = removeEmptyRepositories
        options.jobs = 2
        let backend = try FilesystemBackend(root: root.path)
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        return try GarbageCollector(backend: backend, options: options).run(now: now)
    }
}
