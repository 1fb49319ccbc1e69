@preconcurrency import Glibc

struct Options {
    var out = ""
    var blobs: Int?
    var repos = 20
    var tagsPerRepo = 10
    var pushesPerRepo: Int?
    var ciTags = 0
    var ciPushes = 0
    var ciName = "ci/app"
    var orphanFraction = 0.05
    var deletedFraction = 0.10
    var indexFraction = 0.03
    var referrerFraction = 0.05
    var ociFraction = 0.30
    var emptiedRepos = 0
    var uploads = 0
    var seed: UInt64 = 1
    var quiet = false
    var gzipLayers = false
    var layerMin = 4 << 10
    var layerMax = 32 << 20
    var gzipLevel: Int32 = 6
    var projects = 0

    static let usage = """
        usage: store-generator --out DIR [options]

        Writes a synthetic registry store (CNCF distribution, filesystem driver layout) under
        DIR/store, a config.yml for `docker-registry garbage-collect` pointing at it, and the
        expected garbage under DIR/expected/. DIR must be absent or empty.

          --out DIR                 output directory (required)
          --blobs N                 approximate total blob count; derives --pushes-per-repo
          --repos N                 ordinary repositories (default 20)
          --tags-per-repo N         final tag count per ordinary repository (default 10)
          --pushes-per-repo N       tagged pushes per ordinary repository (default: from --blobs,
                                    else 3 x tags); pushes beyond the tag count retag moving tags
          --ci-repo TAGS REVISIONS  add one repository with TAGS tags and REVISIONS revisions,
                                    retagged over time (no indexes, referrers or deletions)
          --ci-name NAME            name of that repository (default ci/app)
          --orphan-fraction F       blobs referenced by no manifest, as a fraction of all (0.05)
          --deleted-fraction F      untagged revisions deleted through the API (0.10)
          --index-fraction F        pushes that are multi-arch indexes / manifest lists (0.03)
          --referrer-fraction F     pushes that get OCI referrers by digest: a signature, an SBOM,
                                    or both, sometimes a signed SBOM (0.05)
          --oci-fraction F          image manifests in OCI format rather than Docker schema2 (0.30)
          --emptied-repos N         ordinary repositories whose manifests were all deleted (0)
          --uploads N               unfinished upload sessions left under _uploads (0)
          --seed N                  PRNG seed (default 1)
          --quiet                   no summary on stderr

        Backup benchmarks (Benchmarks/backup-bench.sh):
          --gzip-layers             layers are real gzip streams of generated semi-compressible
                                    content (ratio ~3 at level 6), each its own content, rather
                                    than a gzip magic number and 200 B - 4 KiB of noise
          --layer-size MIN-MAX      blob size of gzip layers, log-uniform (default 4K-32M; K, M, G
                                    suffixes); base layers shared from the pool are drawn from
                                    the top quarter, MAX/4-MAX
          --gzip-level N            zlib level of gzip layers, 1-9 (default 6, zlib's and Go's default)
          --projects N              also write DIR/projects: N compose projects (compose file,
                                    .env, nginx conf.d, configs, scripts; ~12 files each) plus
                                    registry auth/config, certbot webroot and certificate
                                    symlinks, an empty directory
        """

    static func parse(_ arguments: [String]) -> Options {
        var o = Options()
        var i = 0
        func value(_ name: String) -> String {
            i += 1
            guard i < arguments.count else { fail("\(name) needs a value\n\(usage)") }
            return arguments[i]
        }
        func int(_ name: String) -> Int {
            let v = value(name)
            guard let n = Int(v), n >= 0 else { fail("\(name): not a non-negative integer: \(v)") }
            return n
        }
        func fraction(_ name: String) -> Double {
            let v = value(name)
            guard let f = Double(v), f >= 0, f < 1 else { fail("\(name): not a fraction in [0, 1): \(v)") }
            return f
        }
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "--out": o.out = value(a)
            case "--blobs": o.blobs = int(a)
            case "--repos": o.repos = int(a)
            case "--tags-per-repo": o.tagsPerRepo = int(a)
            case "--pushes-per-repo": o.pushesPerRepo = int(a)
            case "--ci-repo":
                o.ciTags = int(a)
                o.ciPushes = int(a)
            case "--ci-name": o.ciName = value(a)
            case "--orphan-fraction": o.orphanFraction = fraction(a)
            case "--deleted-fraction": o.deletedFraction = fraction(a)
            case "--index-fraction": o.indexFraction = fraction(a)
            case "--oci-fraction": o.ociFraction = fraction(a)
            case "--referrer-fraction": o.referrerFraction = fraction(a)
            case "--emptied-repos": o.emptiedRepos = int(a)
            case "--uploads": o.uploads = int(a)
            case "--seed":
                let v = value(a)
                guard let s = UInt64(v) else { fail("--seed: not an unsigned integer: \(v)") }
                o.seed = s
            case "--quiet": o.quiet = true
            case "--gzip-layers": o.gzipLayers = true
            case "--layer-size":
                let v = value(a)
                let parts = v.split(separator: "-", omittingEmptySubsequences: false)
                guard parts.count == 2, let lo = parseByteCount(String(parts[0])), let hi = parseByteCount(String(parts[1])),
                      lo >= 64, hi >= lo else { fail("--layer-size: not MIN-MAX (e.g. 4K-32M, MIN >= 64): \(v)") }
                o.layerMin = lo
                o.layerMax = hi
            case "--gzip-level":
                let n = int(a)
                guard (1...9).contains(n) else { fail("--gzip-level: not in 1-9: \(n)") }
                o.gzipLevel = Int32(n)
            case "--projects": o.projects = int(a)
            case "-h", "--help":
                print(usage)
                exit(0)
            default: fail("unknown argument \(a)\n\(usage)")
            }
            i += 1
        }
        if o.out.isEmpty { fail("--out is required\n\(usage)") }
        if o.repos > 0 && o.tagsPerRepo == 0 { fail("--tags-per-repo must be at least 1") }
        if o.ciPushes < o.ciTags { fail("--ci-repo: REVISIONS must be at least TAGS") }
        if o.ciTags == 0 && o.ciPushes > 0 { fail("--ci-repo: TAGS must be at least 1") }
        if o.emptiedRepos > o.repos { fail("--emptied-repos cannot exceed --repos") }
        return o
    }
}
