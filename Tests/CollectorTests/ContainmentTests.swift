import Collector
import FilesystemStore
import Foundation
import RegistryStore
import Testing

/// Nothing outside `<root>/docker/registry/v2` is touched and symlinks are never followed.
@Suite struct ContainmentTests {
    @Test func aSymlinkedBlobDirectoryIsNeitherFollowedNorDeleted() throws {
        let store = try HandmadeStore()
        let target = store.outside.appendingPathComponent("victim")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: target.appendingPathComponent("data"))
        let fake = Digest(bytes: Array(repeating: 0xab, count: 32))!
        let prefix = store.v2.appendingPathComponent("blobs/sha256/ab")
        try FileManager.default.createDirectory(at: prefix, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: prefix.appendingPathComponent(fake.hex), withDestinationURL: target)

        let result = try store.collect()
        #expect(result.swept)
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("data").path))
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: prefix.appendingPathComponent(fake.hex).path)) != nil)
        #expect(result.warnings.contains { $0.path.hasSuffix(fake.hex) })
    }

    @Test func aSymlinkedRepositoryIsNotFollowed() throws {
        let store = try HandmadeStore()
        try store.image("app", tag: "v1", layers: ["a"])
        // An outside "repository" whose empty revision dir would be swept if it were followed.
        let outsideRepository = store.outside.appendingPathComponent("repo/_manifests/revisions/sha256/" + String(repeating: "c", count: 64))
        try FileManager.default.createDirectory(at: outsideRepository, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: store.v2.appendingPathComponent("repositories/evil"),
                                                   withDestinationURL: store.outside.appendingPathComponent("repo"))
        let result = try store.collect()
        #expect(FileManager.default.fileExists(atPath: outsideRepository.path))
        #expect(result.warnings.contains { $0.path.hasSuffix("repositories/evil") })
    }

    @Test func aSymlinkedLinkFileIsAnErrorNotFollowed() throws {
        let store = try HandmadeStore()
        let image = try store.image("app", tag: "v1", layers: ["a"])
        try FileManager.default.createDirectory(at: store.outside, withIntermediateDirectories: true)
        let elsewhere = store.outside.appendingPathComponent("link")
        try Data(image.manifest.description.utf8).write(to: elsewhere)
        let linkPath = store.v2.appendingPathComponent(StoreLayout.tagCurrentLink("app", "v1"))
        try FileManager.default.removeItem(at: linkPath)
        try FileManager.default.createSymbolicLink(at: linkPath, withDestinationURL: elsewhere)
        let result = try store.collect()
        #expect(!result.swept)
        #expect(result.errors.contains { $0.path.hasSuffix("tags/v1/current/link") })
    }

    @Test func aStoreRootGivenThroughASymlinkIsUsed() throws {
        // `/var/lib/registry -> /mnt/disk/registry` is the operator's choice.
        let store = try HandmadeStore()
        let garbage = try store.blob("orphan")
        let alias = store.outside.appendingPathComponent("alias")
        try FileManager.default.createDirectory(at: store.outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: alias, withDestinationURL: store.root)
        var options = CollectionOptions()
        options.minimumAge = 0
        let result = try GarbageCollector(backend: try FilesystemBackend(root: alias.path), options: options).run(now: Int64(Date().timeIntervalSince1970 * 1e9))
        #expect(result.swept)
        #expect(!store.hasBlob(garbage))
    }

    @Test func aSymlinkBetweenTheRootAndTheStoreIsNotFollowed() throws {
        let store = try HandmadeStore()
        let real = store.outside.appendingPathComponent("docker")
        try FileManager.default.createDirectory(at: store.outside, withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: store.root.appendingPathComponent("docker"), to: real)
        try FileManager.default.createSymbolicLink(at: store.root.appendingPathComponent("docker"), withDestinationURL: real)
        let backend = try FilesystemBackend(root: store.root.path)
        #expect(throws: StoreError.self) { try GarbageCollector(backend: backend, options: CollectionOptions()).run(now: 0) }
        #expect(FileManager.default.fileExists(atPath: real.appendingPathComponent("registry/v2/blobs").path))
    }

    @Test func aSecondRunOnTheSameStoreIsLockedOut() throws {
        let store = try HandmadeStore()
        let first = try FilesystemBackend(root: store.root.path)
        let lock = try first.lock()
        #expect(lock != nil)
        let second = try FilesystemBackend(root: store.root.path)
        #expect(throws: StoreError.locked(path: store.v2.path)) { try second.lock() }
        withExtendedLifetime(lock) {}
    }

    @Test func aDirectoryWithoutAStoreIsNotAStore() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("regkeeper-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let backend = try FilesystemBackend(root: empty.path)
        #expect(throws: StoreError.notAStore(path: empty.path)) {
            try GarbageCollector(backend: backend, options: CollectionOptions()).run(now: 0)
        }
    }
}
