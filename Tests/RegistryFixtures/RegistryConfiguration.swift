import Foundation

/// The `config.yml` the harness gives `docker-registry`: filesystem storage at a given root,
/// deletes enabled, upload purging off (a test server must not change the store by itself),
/// foreign-layer URLs allowed, no auth, and no blob descriptor cache.
public enum RegistryConfiguration {
    /// The YAML text for a store at `storeRoot` listening on `127.0.0.1:port`.
    public static func yaml(storeRoot: URL, port: Int) -> String {
        """
        version: 0.1
        log:
          level: warn
          accesslog:
            disabled: true
        storage:
          filesystem:
            rootdirectory: \(storeRoot.path)
          delete:
            enabled: true
          maintenance:
            uploadpurging:
              enabled: false
        validation:
          manifests:
            urls:
              allow:
                - '^https?://'
        http:
          addr: 127.0.0.1:\(port)

        """
    }

    /// Writes the YAML to `file` and returns it.
    @discardableResult
    public static func write(storeRoot: URL, port: Int, to file: URL) throws -> URL {
        try Data(yaml(storeRoot: storeRoot, port: port).utf8).write(to: file)
        return file
    }
}
