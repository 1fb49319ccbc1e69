import Foundation

/// Builds the fixture store once per test process and hands the same result to every caller
/// (concurrent callers wait for the one build; a failed build fails them all alike).
public actor FixtureCache {
    /// The process-wide cache.
    public static let shared = FixtureCache()

    private var build: Task<BuiltFixture, any Error>?

    /// The fixture, building it on first use.
    public func fixture() async throws -> BuiltFixture {
        if let build { return try await build.value }
        let task = Task<BuiltFixture, any Error> {
            let directory = try TemporaryDirectory(prefix: "fixture")
            let root = directory.url.appendingPathComponent("store")
            let start = Date()
            let record = try await FixtureStore.build(into: root)
            return BuiltFixture(root: root, record: record, buildSeconds: Date().timeIntervalSince(start))
        }
        build = task
        return try await task.value
    }
}
