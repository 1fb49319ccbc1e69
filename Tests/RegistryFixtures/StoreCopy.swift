import Foundation

/// Copies a whole store, keeping modes and times (`cp -a`), so each test works on its own.
public enum StoreCopy {
    /// Copies the directory `source` to `destination` (which must not exist yet).
    public static func copyStore(from source: URL, to destination: URL) async throws {
        let output = try await Subprocess.run("cp", ["-a", source.path, destination.path])
        guard output.succeeded else {
            throw CommandFailure(command: "cp -a \(source.path) \(destination.path)", output: output)
        }
    }
}
