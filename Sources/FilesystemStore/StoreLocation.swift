import FoundationEssentials
@preconcurrency import Glibc
import RegistryStore

/// Where the store is: a root directory, and the registry config it came from, if any.
public struct StoreLocation: Sendable, Equatable {
    /// The storage root (the registry's `rootdirectory`, e.g. `/var/lib/registry`).
    public let root: String
    /// The registry configuration, when the location was given as a `config.yml`.
    public let configuration: RegistryConfiguration?
    /// The config file's path, when one was given.
    public let configPath: String?

    /// The registry's default storage root.
    public static let defaultRoot = "/var/lib/registry"

    /// Why a location could not be resolved.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case notFilesystemDriver(configPath: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason):
                return "\(path): \(reason); pass the registry's config.yml or its storage root directory"
            case .notFilesystemDriver(let path):
                return "\(path): the registry does not use the filesystem storage driver "
                    + "(no storage.filesystem.rootdirectory); only filesystem stores are supported"
            }
        }
    }

    /// Resolves `--root DIR`, else a positional `CONFIG.yml` or directory, else
    /// `REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY`, else `/var/lib/registry`.
    public static func resolve(root: String?, argument: String?, environment: [String: String]) throws(Failure) -> StoreLocation {
        if let root { return StoreLocation(root: root, configuration: nil, configPath: nil) }
        guard let argument else {
            let fromEnvironment = environment["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY"]
            return StoreLocation(root: fromEnvironment ?? defaultRoot, configuration: nil, configPath: nil)
        }
        var s = stat()
        guard stat(argument, &s) == 0 else {
            throw .unreadable(path: argument, reason: String(cString: strerror(errno)))
        }
        if s.st_mode & S_IFMT == S_IFDIR {
            return StoreLocation(root: argument, configuration: nil, configPath: nil)
        }
        let text: String
        do {
            text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: argument)), as: UTF8.self)
        } catch {
            throw .unreadable(path: argument, reason: "cannot read the config file")
        }
        let configuration = RegistryConfiguration(yaml: text, environment: environment)
        guard let root = configuration.filesystemRoot else { throw .notFilesystemDriver(configPath: argument) }
        return StoreLocation(root: root, configuration: configuration, configPath: argument)
    }
}
