import Foundation

/// A `~/projects`-like tree with every case a backup must carry: nested directories, in-tree
/// symlinks (one with a target over 100 bytes), empty directories, names with spaces and
/// non-ASCII characters, a path over 256 bytes, modes 0600/0400/0700/0755/0750, owners other
/// than root (when run as root), nanosecond mtimes (…000000001, …999999999, whole seconds),
/// an empty file, incompressible and already-gzip-compressed content — and two rounds of
/// changes of every kind (edits, deletions, type changes, renames, mode-only and ctime-only changes).
enum ProjectsTree {
    static let unicodeName = "notes/Grüße aus Köln — ü ñ 日本.txt"
    static let renamedUnicodeName = "notes/Ærø   ☃ renamed.txt"
    static let deepDirectory = "deep/" + String(repeating: "subdirectory-level/", count: 9) + "leaf"
    static let longFileName = String(repeating: "long-name-", count: 15) + ".conf"

    /// Builds the tree at `root` (which must not exist).
    static func build(at root: URL) throws {
        func url(_ path: String) -> URL { root.appendingPathComponent(path) }
        try Files.makeDirectory(root)
        try Files.makeDirectory(url("nginx/conf.d"))
        try Files.makeDirectory(url("nginx/html"), mode: 0o750)
        try Files.makeDirectory(url("nginx/sites-enabled"))
        try Files.makeDirectory(url("certbot/www/.well-known/acme-challenge"))
        try Files.makeDirectory(url("scripts"))
        try Files.makeDirectory(url("private"), mode: 0o700)
        try Files.makeDirectory(url("notes"))
        try Files.makeDirectory(url("with space dir"))
        try Files.makeDirectory(url("data"))
        try Files.makeDirectory(url("empty"))
        try Files.makeDirectory(url(deepDirectory))

        try Files.writeFile(url("docker-compose.yml"), "services:\n  registry:\n    image: registry:2\n    volumes: [registry-data:/var/lib/registry]\n")
        try Files.writeFile(url(".env"), "REGISTRY_HTTP_SECRET=0123456789abcdef\n", mode: 0o600)
        try Files.writeFile(url("registry.password"), "admin:$2y$05$abcdefghijklmnopqrstuv\n", mode: 0o600)
        try Files.writeFile(url("Caddyfile"), "registry.example.com {\n  reverse_proxy registry:5000\n}\n")
        try Files.writeFile(url("nginx/conf.d/default.conf"), "server { listen 80; location / { proxy_pass http://registry:5000; } }\n")
        try Files.writeFile(url("nginx/conf.d/registry.conf"), String(repeating: "# tuning line\n", count: 400))
        try Files.writeFile(url("certbot/www/.well-known/acme-challenge/token-abc"), "token-abc.key-authorization")
        try Files.writeFile(url("scripts/renew.sh"), "#!/bin/sh\ncertbot renew --webroot -w /var/www/certbot\n", mode: 0o755)
        try Files.writeFile(url("private/key.pem"), "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n", mode: 0o400)
        try Files.writeFile(url(unicodeName), "Grüße\n")
        try Files.writeFile(url("with space dir/file with  two  spaces.txt"), "spaces\n")
        try Files.writeFile(url("data/random.bin"), Files.random(600_000, seed: 1))
        try Files.writeFile(url("data/layer.gz"), [0x1F, 0x8B, 0x08, 0x00] + Files.random(200_000, seed: 2))
        try Files.writeFile(url("data/zero-length"), [UInt8]())
        try Files.writeFile(url(deepDirectory + "/" + longFileName), "deep and long\n")
        try Files.makeSymlink(url("current"), to: "docker-compose.yml")
        try Files.makeSymlink(url("nginx/sites-enabled/default"), to: "../conf.d/default.conf")
        try Files.makeSymlink(url("deep-link"), to: deepDirectory + "/" + longFileName)
        if Files.isRoot {
            try Files.writeFile(url("owned-by-someone.txt"), "not root's\n")
            try Files.setOwner(url("owned-by-someone.txt"), uid: 1234, gid: 5678)
            try Files.setOwner(url("nginx/html"), uid: 101, gid: 101)
        }

        // Exact nanosecond times, directories last (writing into them changed theirs).
        try Files.setMtime(url("docker-compose.yml"), Files.ns(1_700_000_000, 1))
        try Files.setMtime(url(".env"), Files.ns(1_700_000_100, 999_999_999))
        try Files.setMtime(url("Caddyfile"), Files.ns(1_700_000_200))
        try Files.setMtime(url("current"), Files.ns(1_700_000_300, 123_456_789))
        try Files.setMtime(url(unicodeName), Files.ns(1_600_000_000, 500_000_000))
        try Files.setMtime(url("empty"), Files.ns(1_650_000_000, 42))
        try Files.setMtime(url("nginx/html"), Files.ns(1_650_000_001, 7))
        try Files.setMtime(url("private"), Files.ns(1_650_000_002, 999_999_999))
    }

    /// The first round of changes.
    static func changeFirst(at root: URL) throws {
        func url(_ path: String) -> URL { root.appendingPathComponent(path) }
        // An edit that grows the file.
        try Files.writeFile(url("docker-compose.yml"), "services:\n  registry:\n    image: registry:3\n    volumes: [registry-data:/var/lib/registry]\n  nginx:\n    image: nginx\n")
        try Files.setMtime(url("docker-compose.yml"), Files.ns(1_710_000_000, 10))
        // Same size, same mtime, new content: only ctime tells.
        let envMtime = try Files.mtime(url(".env"))
        try Files.writeFile(url(".env"), "REGISTRY_HTTP_SECRET=fedcba9876543210\n", mode: 0o600)
        try Files.setMtime(url(".env"), envMtime)
        // Deletions: a file, and a whole directory.
        try Files.remove(url("certbot/www/.well-known/acme-challenge/token-abc"))
        try Files.remove(url("private"))
        // A new file, a mode-only change, a rename, a symlink replaced by a file.
        try Files.writeFile(url("nginx/conf.d/new.conf"), "# added after the first backup\n")
        try Files.setMode(url("scripts/renew.sh"), 0o700)
        try FileManager.default.moveItem(at: url(unicodeName), to: url(renamedUnicodeName))
        try Files.remove(url("current"))
        try Files.writeFile(url("current"), "was a symlink\n")
    }

    /// The second round of changes.
    static func changeSecond(at root: URL) throws {
        func url(_ path: String) -> URL { root.appendingPathComponent(path) }
        // An empty directory deleted; a file replaced by a directory; a new symlink.
        try Files.remove(url("empty"))
        try Files.remove(url("data/random.bin"))
        try Files.makeDirectory(url("data/random.bin"), mode: 0o711)
        try Files.writeFile(url("data/random.bin/inside"), Files.random(1000, seed: 3))
        try Files.makeSymlink(url("latest.conf"), to: "nginx/conf.d/new.conf")
        // Edits: the renamed file, a file emptied, a touch that changes only the mtime.
        try Files.writeFile(url(renamedUnicodeName), "Ærø, edited twice\n")
        try Files.writeFile(url("docker-compose.yml"), [UInt8]())
        try Files.setMtime(url("Caddyfile"), Files.ns(1_720_000_000, 123))
        // An empty directory appears.
        try Files.makeDirectory(url("nginx/html/empty-again"), mode: 0o755)
    }
}
