/// A minimal image config blob; the label makes every config unique.
struct ImageConfig: Encodable {
    struct RootFS: Encodable {
        var type = "layers"
        var diff_ids: [String]
    }

    struct Settings: Encodable {
        var Labels: [String: String]
    }

    var architecture: String
    var os: String
    var config: Settings
    var rootfs: RootFS
}
