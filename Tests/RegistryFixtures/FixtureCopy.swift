import Foundation

/// A private copy of the fixture store for one test, with a registry config file pointing at it.
public struct FixtureCopy: Sendable {
    /// The directory holding `store/` and `config.yml`.
    public let directory: TemporaryDirectory
    /// The copied store root.
    public let root: URL
    /// `config.yml` whose `storage.filesystem.rootdirectory` is `root`.
    public let configURL: URL
    /// What the fixture holds.
    public let record: FixtureRecord

    /// Copies the (cached) fixture store.
    public static func make() async throws -> FixtureCopy {
        let fixture = try await FixtureCache.shared.fixture()
        let directory = try TemporaryDirectory(prefix: "copy")
        let root = directory.url.appendingPathComponent("store")
        try await StoreCopy.copyStore(from: fixture.root, to: root)
        let config = try RegistryConfiguration.write(
            storeRoot: root, port: 5000, to: directory.url.appendingPathComponent("config.yml"))
        return FixtureCopy(directory: directory, root: root, configURL: config, record: fixture.record)
    }

    /// Snapshot of the copy as it is now.
    public func snapshot() throws -> StoreSnapshot { try StoreSnapshot.capture(root) }

    /// Deletes the copy.
    public func remove() { directory.remove() }
}
