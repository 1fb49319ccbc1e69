/// Where a long backup, restore or verification is, for a progress line.
public struct WorkProgress: Sendable {
    /// What is being done, e.g. `reading registry`.
    public var phase: String
    public var files: Int
    public var bytes: Int64
    /// Bytes the whole phase will handle, when known (for a rate and an ETA).
    public var totalBytes: Int64?
    /// The file just handled and what happened to it (for `--verbose` lines), e.g. `read projects/Caddyfile`.
    public var item: String?

    public init(phase: String, files: Int, bytes: Int64, totalBytes: Int64?, item: String? = nil) {
        self.item = item
        self.phase = phase
        self.files = files
        self.bytes = bytes
        self.totalBytes = totalBytes
    }
}
