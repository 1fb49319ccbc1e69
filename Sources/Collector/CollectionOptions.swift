import RegistryStore

/// How a collection runs: what it may delete and how carefully.
public struct CollectionOptions: Sendable {
    /// Keep only revisions reachable from a tag (through index children and referrers).
    public var deleteUntagged = false
    /// Compute and report the plan, delete nothing.
    public var dryRun = false
    /// Grace period in nanoseconds: younger blobs, revisions and layer links are kept (0 disables).
    public var minimumAge: Int64 = 3_600 * 1_000_000_000
    /// Upload sessions started longer ago than this (nanoseconds) are removed.
    public var uploadAge: Int64 = 168 * 3_600 * 1_000_000_000
    /// Remove repositories left with no revisions, no tags, no uploads and no nested repositories.
    public var removeEmptyRepositories = false
    /// Worker threads for scanning, reading manifests and sweeping.
    public var jobs = 1
    /// With `deleteUntagged`, only these revisions (by repository) may be deleted; every other
    /// revision stays a root. `prune-tags` uses it to free exactly what its removed tags held.
    public var untaggedScope: [String: Set<Digest>]?
    /// Re-scan repositories between mark and sweep, and mark what appeared (skipped in dry runs).
    public var rescanBeforeSweep = true

    public init() {}
}
