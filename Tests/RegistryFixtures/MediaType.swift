/// The media types the fixtures use, as the registry and skopeo spell them.
public enum MediaType {
    /// Docker image manifest, schema 2.
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    /// Docker manifest list (multi-arch).
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    /// Docker image config.
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    /// Docker layer (gzip by name; the fixtures use random bytes).
    public static let dockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    /// Docker foreign layer: fetched from its `urls`, usually absent from the registry.
    public static let dockerForeignLayer = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
    /// OCI image manifest.
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    /// OCI image index.
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    /// OCI image config.
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    /// OCI uncompressed layer (skopeo pushes it unchanged with `--preserve-digests`).
    public static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
    /// OCI empty descriptor (`{}`), the config of artifacts.
    public static let ociEmpty = "application/vnd.oci.empty.v1+json"
    /// Every manifest type, for `Accept` headers.
    public static let allManifests = [dockerManifest, dockerManifestList, ociManifest, ociIndex]
}
