@preconcurrency import Glibc

/// The operator's `~/projects` beside the registry (`--projects N`), for backup benchmarks: N
/// compose projects (compose file, .env, README, nginx conf.d, app configs, scripts, sometimes a
/// Caddyfile or an SQL seed), the registry's own compose file, config and htpasswd, a shared
/// reverse proxy's conf.d, certbot's webroot (an empty challenge directory) and certificates
/// (`live/` symlinks into `archive/`, as certbot lays them out), and a few notes, one with spaces
/// and non-ASCII letters in its name. Modes: 0644, scripts 0755, secrets 0600.
struct ProjectsWriter {
    let writer: TreeWriter
    let root: String
    var rng: SplitMix64
    private(set) var files = 0
    private(set) var bytes = 0
    private(set) var symlinks = 0

    init(writer: TreeWriter, root: String, seed: UInt64) {
        self.writer = writer
        self.root = root
        self.rng = SplitMix64(seed: seed ^ 0xBB67_AE85_84CA_A73B)
    }

    static let words = ["alpha", "beta", "gamma", "delta", "orders", "billing", "auth", "search", "media", "mail", "wiki",
                        "chat", "grafana", "metrics", "shop", "blog", "status", "vault", "queue", "cache", "gateway",
                        "reports", "invoices", "catalog", "inventory", "tracker", "notify", "files", "sync", "docs"]

    mutating func hex(_ n: Int) -> String { rng.bytes((n + 1) / 2).withUnsafeBytes { String(hexString($0).prefix(n)) } }
    mutating func pick(_ list: [String]) -> String { list[rng.int(0...(list.count - 1))] }

    mutating func file(_ relative: String, _ text: String, mode: mode_t = 0o644) {
        let path = root + "/" + relative
        writer.write(path, text)
        if mode != 0o644, chmod(path, mode) != 0 { fail("chmod \(path): \(String(cString: strerror(errno)))") }
        files += 1
        bytes += text.utf8.count
    }

    mutating func symlink(_ relative: String, to target: String) {
        let path = root + "/" + relative
        if let slash = path.lastIndex(of: "/") { writer.makeDirectories(String(path[..<slash])) }
        if Glibc.symlink(target, path) != 0 { fail("symlink \(path): \(String(cString: strerror(errno)))") }
        symlinks += 1
    }

    /// Lines of prose-like text, about `count` bytes.
    mutating func prose(_ count: Int) -> String {
        var out = ""
        var line = 0
        while out.utf8.count < count {
            out += pick(Self.words)
            line += 1
            if line % 11 == 0 { out += ".\n" } else { out += " " }
        }
        return out + "\n"
    }

    mutating func run(projects: Int) {
        writer.makeDirectories(root)
        var domains: [String] = []
        for p in 0..<projects {
            let name = "\(Self.words[p % Self.words.count])\(p >= Self.words.count ? "-\(p / Self.words.count)" : "")"
            let domain = "\(name).example.com"
            domains.append(domain)
            project(name, domain: domain, index: p)
            // The shared reverse proxy's vhost for it.
            file("proxy/nginx/conf.d/\(name).conf", vhost(name, domain: domain, upstream: "\(name)-web:8080"))
        }
        file("proxy/docker-compose.yml", """
            services:
              nginx:
                image: nginx:1.27-alpine
                restart: unless-stopped
                ports: ["80:80", "443:443"]
                volumes:
                  - ./nginx/conf.d:/etc/nginx/conf.d:ro
                  - ../certbot/conf:/etc/letsencrypt:ro
                  - ../certbot/www:/var/www/certbot:ro
              certbot:
                image: certbot/certbot:v2.11.0
                volumes:
                  - ../certbot/conf:/etc/letsencrypt
                  - ../certbot/www:/var/www/certbot
                entrypoint: "/bin/sh -c 'trap exit TERM; while :; do certbot renew; sleep 12h & wait $${!}; done'"

            """)
        file("proxy/nginx/conf.d/default.conf", "server {\n    listen 80 default_server;\n    location /.well-known/acme-challenge/ { root /var/www/certbot; }\n    location / { return 301 https://$host$request_uri; }\n}\n")
        // The registry itself.
        file("registry/docker-compose.yml", """
            services:
              registry:
                image: registry:2
                restart: unless-stopped
                environment:
                  REGISTRY_AUTH: htpasswd
                  REGISTRY_AUTH_HTPASSWD_REALM: Registry
                  REGISTRY_AUTH_HTPASSWD_PATH: /auth/registry.password
                  REGISTRY_STORAGE_DELETE_ENABLED: "true"
                volumes:
                  - registry-data:/var/lib/registry
                  - ./auth:/auth:ro
                  - ./config.yml:/etc/docker/registry/config.yml:ro
            volumes:
              registry-data:
                external: true

            """)
        file("registry/config.yml", """
            version: 0.1
            log:
              fields:
                service: registry
            storage:
              cache:
                blobdescriptor: inmemory
              filesystem:
                rootdirectory: /var/lib/registry
              delete:
                enabled: true
            http:
              addr: :5000
              headers:
                X-Content-Type-Options: [nosniff]
            health:
              storagedriver:
                enabled: true
                interval: 10s
                threshold: 3

            """)
        var htpasswd = ""
        for u in 0..<max(3, projects / 2) {
            htpasswd += "\(u == 0 ? "admin" : "ci-\(Self.words[u % Self.words.count])"):$2y$05$\(hex(22))\(hex(31))\n"
        }
        file("registry/auth/registry.password", htpasswd, mode: 0o600)
        file("registry/nginx/conf.d/registry.conf", vhost("registry", domain: "registry.example.com", upstream: "registry:5000")
            .replacingFirst("    location / {", "    client_max_body_size 0;\n    chunked_transfer_encoding on;\n    location / {"))
        domains.append("registry.example.com")
        // certbot: an empty challenge webroot, and live/ symlinks into archive/.
        writer.makeDirectories(root + "/certbot/www/.well-known/acme-challenge")
        for domain in domains {
            for part in ["cert", "chain", "fullchain", "privkey"] {
                let pem = part == "privkey" ? pemBlock("PRIVATE KEY", 1700) : pemBlock("CERTIFICATE", part == "fullchain" ? 3400 : 1800)
                file("certbot/conf/archive/\(domain)/\(part)1.pem", pem, mode: part == "privkey" ? 0o600 : 0o644)
                symlink("certbot/conf/live/\(domain)/\(part).pem", to: "../../archive/\(domain)/\(part)1.pem")
            }
            file("certbot/conf/renewal/\(domain).conf", "version = 2.11.0\narchive_dir = /etc/letsencrypt/archive/\(domain)\n"
                + "cert = /etc/letsencrypt/live/\(domain)/cert.pem\nprivkey = /etc/letsencrypt/live/\(domain)/privkey.pem\n"
                + "[renewalparams]\nauthenticator = webroot\nwebroot_path = /var/www/certbot,\nserver = https://acme-v02.api.letsencrypt.org/directory\n")
        }
        file("certbot/conf/options-ssl-nginx.conf", "ssl_session_cache shared:le_nginx_SSL:10m;\nssl_session_timeout 1440m;\nssl_protocols TLSv1.2 TLSv1.3;\n")
        // Odd names, an empty directory, and a relative symlink at the top.
        file("notes/Meeting notes 2024-03.md", prose(1500))
        file("notes/Übergabe café – Zugänge.md", prose(900))
        writer.makeDirectories(root + "/backups/incoming")
        symlink("current-proxy", to: "proxy")
    }

    mutating func project(_ name: String, domain: String, index: Int) {
        let dir = name
        let tag = "v\(1 + index % 4).\(rng.int(0...20)).\(rng.int(0...9))"
        let services = ["web", "worker", "db", "redis", "cron"].prefix(rng.int(2...5))
        var compose = "name: \(name)\nservices:\n"
        for service in services {
            let image: String
            switch service {
            case "db": image = "postgres:16-alpine"
            case "redis": image = "redis:7-alpine"
            default: image = "registry.example.com/team-\(index % 10)/app-\(index):\(tag)"
            }
            compose += """
                  \(service):
                    image: \(image)
                    restart: unless-stopped
                    env_file: .env
                    networks: [\(name)]

                """
            if service == "web" { compose += "    expose: [\"8080\"]\n    healthcheck:\n      test: [\"CMD\", \"wget\", \"-qO-\", \"http://localhost:8080/health\"]\n      interval: 30s\n" }
            if service == "db" { compose += "    volumes:\n      - db-data:/var/lib/postgresql/data\n      - ./data/seed.sql:/docker-entrypoint-initdb.d/seed.sql:ro\n" }
        }
        compose += "networks:\n  \(name): {}\nvolumes:\n  db-data: {}\n"
        file("\(dir)/docker-compose.yml", compose)
        var env = ""
        for k in 0..<rng.int(8...30) {
            env += "\(name.uppercased().replacing("-", with: "_"))_SETTING_\(k)=\(hex(rng.int(4...40)))\n"
        }
        env += "DATABASE_URL=postgres://\(name):\(hex(24))@db:5432/\(name)\n"
        file("\(dir)/.env", env, mode: 0o600)
        file("\(dir)/README.md", "# \(name)\n\nDeployed at https://\(domain).\n\n" + prose(rng.int(400...3000)))
        file("\(dir)/nginx/conf.d/\(name).conf", vhost(name, domain: domain, upstream: "web:8080"))
        file("\(dir)/nginx/conf.d/gzip.conf", "gzip on;\ngzip_types text/plain text/css application/json application/javascript;\ngzip_min_length 1024;\n")
        var yaml = "server:\n  port: 8080\n  publicUrl: https://\(domain)\nfeatures:\n"
        for k in 0..<rng.int(5...60) { yaml += "  flag\(k): \(rng.chance(0.5))\n" }
        file("\(dir)/config/app.yaml", yaml)
        file("\(dir)/config/logging.json", "{\"level\":\"info\",\"format\":\"json\",\"outputs\":[\"stdout\"],\"sampling\":{\"initial\":\(rng.int(10...1000)),\"thereafter\":100}}\n")
        file("\(dir)/scripts/deploy.sh", "#!/bin/sh\nset -eu\ncd \"$(dirname \"$0\")/..\"\ndocker compose pull\ndocker compose up -d --remove-orphans\n", mode: 0o755)
        file("\(dir)/scripts/backup-db.sh", "#!/bin/sh\nset -eu\ndocker compose exec -T db pg_dump -U \(name) \(name) | gzip > \"/root/backups/\(name)-$(date +%F).sql.gz\"\n", mode: 0o755)
        if services.contains("db") {
            var sql = "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, payload jsonb);\n"
            for k in 0..<rng.int(50...600) { sql += "INSERT INTO items (name, payload) VALUES ('item-\(k)', '{\"ref\":\"\(hex(16))\"}');\n" }
            file("\(dir)/data/seed.sql", sql)
        }
        if rng.chance(0.3) { file("\(dir)/Caddyfile", "\(domain) {\n    encode gzip\n    reverse_proxy web:8080\n}\n") }
        if rng.chance(0.5) { file("\(dir)/.gitignore", ".env\ndata/*.dump\n") }
    }

    func vhost(_ name: String, domain: String, upstream: String) -> String {
        """
        upstream \(name.replacing("-", with: "_"))_backend {
            server \(upstream);
            keepalive 16;
        }

        server {
            listen 443 ssl;
            http2 on;
            server_name \(domain);

            ssl_certificate /etc/letsencrypt/live/\(domain)/fullchain.pem;
            ssl_certificate_key /etc/letsencrypt/live/\(domain)/privkey.pem;
            include /etc/letsencrypt/options-ssl-nginx.conf;

            access_log /var/log/nginx/\(name).access.log;
            location / {
                proxy_pass http://\(name.replacing("-", with: "_"))_backend;
                proxy_set_header Host $host;
                proxy_set_header X-Real-IP $remote_addr;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_set_header X-Forwarded-Proto $scheme;
                proxy_read_timeout 300s;
            }
        }

        """
    }

    mutating func pemBlock(_ label: String, _ size: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var body = ""
        var n = 0
        while n < size {
            var line = ""
            for _ in 0..<64 { line.append(alphabet[rng.int(0...63)]) }
            body += line + "\n"
            n += 65
        }
        return "-----BEGIN \(label)-----\n\(body)-----END \(label)-----\n"
    }
}

extension String {
    func replacingFirst(_ target: String, _ replacement: String) -> String {
        var copy = self
        if let range = copy.firstRange(of: target) { copy.replaceSubrange(range, with: replacement) }
        return copy
    }
}
