import RegistryFixtures

/// The two marking modes of `regkeeper gc`, for parameterized tests.
enum CollectionMode: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Every manifest revision is a root (like the stock collector without `-m`).
    case `default`
    /// Only tags are roots (`--delete-untagged`).
    case deleteUntagged

    var description: String { self == .default ? "default mode" : "--delete-untagged" }

    /// The flags selecting the mode.
    var flags: [String] { self == .default ? [] : ["--delete-untagged"] }

    /// The blobs the fixture says this mode must delete.
    func expectedDeletedBlobs(_ record: FixtureRecord) -> Set<String> {
        self == .default ? record.expectedDeletedBlobsDefault : record.expectedDeletedBlobsUntagged
    }

    /// The revisions the fixture says this mode must delete, as `repository@digest`.
    func expectedDeletedManifests(_ record: FixtureRecord) -> Set<String> {
        self == .default ? [] : Set(record.expectedDeletedManifestsUntagged.map(\.description))
    }
}
