import Foundation

/// The fixture store built once for this test process: where it is, what it holds, how long it took.
public struct BuiltFixture: Sendable {
    /// The store root (never modified after the build; tests work on copies).
    public let root: URL
    /// What was built.
    public let record: FixtureRecord
    /// Seconds the build took (registry start, pushes, stop, checks).
    public let buildSeconds: Double
}
