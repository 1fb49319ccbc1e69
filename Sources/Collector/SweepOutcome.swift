import RegistryStore

/// What a sweep did; `failures` lists every deletion that failed.
public struct SweepOutcome: Sendable {
    public var removedFiles = 0
    public var removedDirectories = 0
    public var failures: [StoreProblem] = []
    /// Whether every phase ran to the end (left-over empty parents are only warnings).
    public var completed = false
    /// How many of the four phases (links, layer links and uploads, blobs, directories) finished.
    public var completedPhases = 0

    public init() {}
}
