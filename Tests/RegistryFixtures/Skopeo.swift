import Foundation

/// skopeo against the harness registry (plain HTTP on 127.0.0.1): push from an OCI layout,
/// and pull everything a tag or digest needs to prove the registry can serve it.
public enum Skopeo {
    /// Pushes `tag` of the OCI layout to `docker://<server>/<repository>:<tag>`, unchanged
    /// (`--preserve-digests`, so the built digests are the stored ones); `all` pushes every
    /// child of an index. Throws with skopeo's stderr on failure.
    public static func push(
        layout: OCILayoutWriter, tag: String, to hostAndPort: String, repository: String, all: Bool = false
    ) async throws {
        var arguments = ["--insecure-policy", "copy", "--quiet", "--preserve-digests", "--dest-tls-verify=false"]
        if all { arguments.append("--all") }
        arguments += [layout.reference(tag: tag), "docker://\(hostAndPort)/\(repository):\(tag)"]
        let output = try await Subprocess.run("skopeo", arguments)
        guard output.succeeded else {
            throw CommandFailure(command: "skopeo " + arguments.joined(separator: " "), output: output)
        }
    }

    /// `skopeo copy --all` of `repository` at `reference` (a tag, or a `sha256:` digest) into a
    /// fresh OCI layout under `scratch`: succeeds only if every manifest and every local blob
    /// the reference needs can be fetched. (An OCI layout destination skips foreign layers; a
    /// `dir:` destination would try to fetch them and fail.)
    public static func pullAll(repository: String, reference: String, from hostAndPort: String, into scratch: URL) async throws -> ProcessOutput {
        let separator = reference.hasPrefix("sha256:") ? "@" : ":"
        let destination = scratch.appendingPathComponent("pull-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: destination) }
        return try await Subprocess.run("skopeo", [
            "--insecure-policy", "copy", "--quiet", "--all", "--src-tls-verify=false",
            "docker://\(hostAndPort)/\(repository)\(separator)\(reference)", "oci:\(destination.path):pulled",
        ])
    }
}
