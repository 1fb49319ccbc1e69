/// The platform of an index child (`architecture`, `os`, optional `variant`).
public struct Platform: Codable, Hashable, Sendable {
    /// CPU architecture, e.g. `amd64`.
    public var architecture: String
    /// Operating system, e.g. `linux`.
    public var os: String
    /// Architecture variant, e.g. `v8`.
    public var variant: String?

    /// Creates a platform.
    public init(architecture: String, os: String = "linux", variant: String? = nil) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
    }
}
