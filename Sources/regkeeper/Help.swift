/// The help texts: `regkeeper --help`, `regkeeper help COMMAND`, `COMMAND --help`.
enum Help {
    /// `regkeeper --help`: the commands, from `topics`.
    static var overview: String {
        var text = """
            regkeeper — keeps a self-hosted Docker registry's storage healthy: garbage collection that
            does not break multi-arch images, tag retention, checks, and verified incremental backups.

            Usage: regkeeper COMMAND [OPTIONS]        regkeeper COMMAND --help   for a command's options

            Commands:

            """
        for topic in topics + [("help", "show help for a command: regkeeper help gc (--man: the man page)", ""),
                               ("version", "print the version", "")] {
            text += "  " + topic.name + String(repeating: " ", count: max(1, 12 - topic.name.count)) + topic.summary + "\n"
        }
        text += """

            Typical use:
              regkeeper gc --dry-run /etc/docker/registry/config.yml       what would a collection free?
              regkeeper prune-tags --repo 'ci/*' --keep-last 20 --dry-run   what would retention remove?
              regkeeper backup --to /backups registry=/var/lib/registry     nightly incremental backup

            Exit status: 0 done, 1 failed, 2 usage error, 3 the store has problems (nothing was deleted).

            """
        return text
    }

    static let gc = """
        Usage: regkeeper gc [OPTIONS] [CONFIG.yml | ROOT]

        Deletes the blobs no manifest references, like 'registry garbage-collect', but in parallel,
        with a grace period for pushes in progress, without breaking multi-arch images, and it also
        removes what the stock collector leaves behind: layer links to deleted blobs, empty revision
        directories, stale tag-history entries and abandoned uploads.

        Where the store is (first that applies):
          --root DIR            the storage root (the directory holding docker/registry/v2)
          CONFIG.yml            the registry's config: storage.filesystem.rootdirectory is used,
                                REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY overrides it
          ROOT                  a storage root directory
          (nothing)             $REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY, else /var/lib/registry

        What to delete:
          --delete-untagged, -m Also delete manifests no tag reaches (through index children and
                                OCI referrers such as signatures and SBOMs, which stay with their
                                subject); their tag-history entries go too.
          --min-age DURATION    Grace period (default 1h, 0 disables): blobs, manifests and layer
                                links younger than this are kept, and young manifests count as roots.
          --upload-age DURATION Remove upload sessions started longer ago (default 168h, like the
                                registry's own upload purger).
          --remove-empty-repos  Remove repositories left with no manifests, tags or uploads
                                (never one that contains nested repositories).

        How:
          --dry-run, -n         Plan and report everything, delete nothing.
          --jobs N, -j N        Worker threads (default: the number of cores).
          --json                Print one JSON object (deletedBlobs, deletedManifests,
                                reclaimedBytes, warnings, errors, ...) instead of the summary.
          --verbose, -v         List every deletion and a per-repository breakdown.
          --quiet, -q           No progress on the terminal.
          --metrics-file PATH   Write Prometheus gauges (node_exporter textfile collector): duration,
                                bytes reclaimed, blobs, manifests, errors, success, last success time.

        Safety: if anything the mark needs cannot be read or parsed (an empty or garbage link
        file, a corrupt manifest, a permission error), nothing is deleted, every problem is listed
        with its path, and the exit status is 3. Symlinks are never followed and nothing outside
        ROOT/docker/registry/v2 is touched. A lock keeps two runs off one store. Deletion order
        (tag history, layer links, blobs, then directories) leaves every kept tag pullable if the
        run is interrupted; running again finishes the job. Stop the registry or make it
        read-only (storage.maintenance.readonly) for the real run if pushes can happen during it.

        Durations: 0, 90s, 30m, 12h, 7d, 1w, or combined as 1h30m.

        Examples:
          regkeeper gc --dry-run /etc/docker/registry/config.yml    audit: what would go, how much
          regkeeper gc --delete-untagged --root /var/lib/registry   nightly job (exit 0 on success)
          regkeeper gc --json --dry-run | jq .reclaimedBytes        for scripts

        Exit status: 0 done, 1 failed (store unreadable, locked, or a deletion failed),
        2 usage error, 3 the mark met errors and nothing was deleted.

        """

    static let du = """
        Usage: regkeeper du [--sort size|name] [--json] [--store CONFIG.yml|ROOT | --root DIR] [REPO-GLOB...]

        Per repository: TOTAL (every blob its manifests need), BY TAGS (what its tags need),
        ONLY HERE (freed if the repository were deleted), SHARED (also needed elsewhere), UNTAGGED
        (needed only by untagged manifests: 'gc --delete-untagged' frees it), GARBAGE (linked here
        but needed by no manifest: 'gc' frees it), UPLOADS (sessions older than 168h); then store
        totals and the biggest tags. Sizes count each blob once per repository.

          regkeeper du                          every repository, biggest first
          regkeeper du 'ci/*' --sort name       only some
          regkeeper du --json | jq '.totals'

        Exit status: 0 done, 1 failed, 2 usage error, 3 some of the store could not be read (figures incomplete).

        """

    static let check = """
        Usage: regkeeper check [--verify-blobs] [--repair] [--json] [CONFIG.yml | ROOT]

        A store fsck. Reports tags that cannot be pulled (their manifest, a child, a config or a
        layer is missing, or not linked into the repository), revisions and layer links pointing at missing blobs, bad link files,
        unreadable manifests, stray files, and *.tmp leftovers of interrupted writes.

          --verify-blobs        hash every blob (SHA-256, in parallel) and compare it with its name
          --repair              fix link files, never data: a bad link whose directory names an
                                existing blob is rewritten; dangling links and other bad links of
                                revisions, layers and tag history are removed; tags' current/link
                                files are reported, not touched
          --json                one JSON object: ok, counts per kind, findings [{kind, path, message, repaired}]
          --jobs N              worker threads (default: the number of cores)
          --metrics-file PATH   write Prometheus gauges (problems by kind, success)

        Exit status: 0 no problems (or all repaired), 1 failed to run, 2 usage error, 3 problems found.

        """

    static let pruneTags = """
        Usage: regkeeper prune-tags [RULE OPTIONS | --policy FILE] [--prune-orphan-signatures]
                                    [--dry-run] [--no-gc] [--min-age D] [--json] [CONFIG.yml | ROOT]

        Removes tags the way the registry's own tag DELETE does (the whole _manifests/tags/TAG
        directory, as in registry 3.x), then runs a collection that frees exactly what those tags
        alone held: their manifests (and index children and referrers) unless another tag still
        reaches them, and blobs nothing else references. Other untagged manifests are left alone;
        like 'gc', the collection also removes unreferenced blobs and stale uploads anywhere in the store.

        One rule from options (for repositories matching --repo, default every repository):
          --repo GLOB           repositories the rule governs, e.g. 'ci/*' ('*' also matches '/')
          --keep-last N         keep the N most recently pushed tags (push time: mtime of the tag's current/link)
          --keep-within D       keep tags pushed within D (e.g. 30d)
          --keep-tag REGEX      always keep matching tags (repeatable), e.g. '^v\\d+' 'latest'
          --match REGEX         only matching tags are candidates, e.g. '^(build|pr)-'
        At least one of --keep-last and --keep-within is required, and a rule without --match or
        --keep-tag must keep at least one tag (--keep-last 1 or more, or --keep-within more than 0).

        Several rules from a file (--policy FILE); the first rule whose glob matches a repository governs it:
          {"rules": [
            {"repository": "ci/*", "keepLast": 20, "keepWithin": "14d", "keepTags": ["^v\\\\d+", "^latest$"]},
            {"repository": "*", "keepLast": 50, "match": "^pr-"}
          ]}

          --prune-orphan-signatures  also remove cosign tags sha256-<hex>.sig/.att/.sbom whose image is gone
          --dry-run, -n         list what would go and how many bytes would be freed; delete nothing
          --no-gc               remove the tags only (blobs are freed by a later 'regkeeper gc -m')
          --min-age D           grace period of the collection (default 1h)
          --metrics-file PATH   write Prometheus gauges (tags removed, bytes reclaimed, success)
          --json                one JSON object: removedTags [{repository, tag, digest, pushedAt}],
                                collection (as gc --json), reclaimedBytes, warnings, errors

        Examples:
          regkeeper prune-tags --repo 'ci/*' --keep-last 20 --keep-tag '^v\\d+' --dry-run
          regkeeper prune-tags --policy /etc/regkeeper/retention.json /etc/docker/registry/config.yml

        Exit status: 0 done, 1 failed, 2 usage error, 3 the store has problems and nothing was removed.

        """

    static let backup = """
        Usage: regkeeper backup --to DEST [--full] [--skip-unreferenced] [--compression zstd|zstd:LEVEL|lz4] [--json] NAME=PATH...

        Writes one archive into DEST: a full backup the first time (or with --full), otherwise an
        incremental one against the newest backup in DEST. Each source is stored under its NAME.

          regkeeper backup --to /backups registry=/var/lib/registry projects=/root/projects

        Archives are pax tar streams compressed with zstd (default level 3, multi-threaded,
        checksummed) or lz4: a full backup restores with 'zstd -dc X | tar -x' alone. A file is
        read again only if its size, mtime, ctime or inode changed; registry blobs (named by their
        digest) already in the chain are never read again. Registry stores are read link files first
        and blobs after, so a backup taken while the registry runs never misses a blob it needs.
        The archive is written under a temporary name and renamed when complete; a lock keeps two
        runs apart. Each backup's catalog (the complete file list) sits beside it as ID.catalog.zst.

          --to DEST             backup directory (created if missing)
          --full                write a full backup even if earlier ones exist
          --skip-unreferenced   leave out registry blobs no manifest references (what 'gc' would
                                delete; blobs younger than 1h are kept)
          --compression C       zstd (level 3), zstd:LEVEL (1-19) or lz4
          --json                print what was read and written as JSON
          --quiet, -q           no progress line on the terminal
          --verbose, -v         a line per file on stderr (read or unchanged)
          --metrics-file PATH   write Prometheus gauges (files and bytes read, archive size, success)

        Exit status: 0 done, 1 failed (nothing is left half-written), 2 usage error.

        """

    static let restore = """
        Usage: regkeeper restore --from DEST [--at BACKUP] --to DIR [--allow-external-symlinks] [--json] [NAME[/SUBPATH]...]

        Replays the backup chain (the full backup, then incrementals up to --at, default the newest)
        into DIR/NAME. Every file is checked against the SHA-256 recorded at backup time (registry
        blobs also against the digest in their path); everything is written into a staging
        directory inside DIR and renamed into place only when all of it checked out, so a damaged,
        truncated or missing archive fails the restore before DIR/NAME is touched. DIR/NAME must
        not exist or be empty. Modes, mtimes and symlinks are restored, ownership when run as root.
        Entries with absolute paths, '..', symlinks leading outside the target, or devices are refused;
        --allow-external-symlinks restores symlinks that point outside their source as they are
        (regkeeper never writes through a symlink; 'backup' warns about such links).

          regkeeper restore --from /backups --to /srv/restore                 everything, newest
          regkeeper restore --from /backups --at 20261204T030000Z --to /tmp/r registry/docker

          --verbose, -v         a line per file restored, on stderr; --quiet: no progress line

        Exit status: 0 done, 1 failed (the target is untouched), 2 usage error.

        """

    static let backups = """
        Usage: regkeeper backups --from DEST [--json]

        Lists the backups in DEST, oldest first, from their catalogs (archives are not opened).
        --json prints {"backups": [{"id", "kind", "parent", "created", ...}]}; restore --at takes the ids.

        """

    static let verify = """
        Usage: regkeeper verify --from DEST [--at BACKUP] [--json]

        Reads every archive of the chain ending at BACKUP (default the newest) without writing
        anything: frame checksums, tar structure, entry safety, the catalog inside each archive
        against the copy beside it, and the SHA-256 of every file (registry blobs against their
        digest). Exit status: 0 all good, 1 problems found (listed), 2 usage error.

        """

    /// Every command with its one-line summary and its help text: the one source of `--help`,
    /// `help COMMAND`, the man page and the shell completions.
    static let topics: [(name: String, summary: String, text: String)] = [
        ("gc", "garbage-collect the registry's storage", gc),
        ("prune-tags", "remove tags by retention rules, then collect what they held", pruneTags),
        ("du", "show which repositories use the disk", du),
        ("check", "check the store for broken tags, dangling links and corrupt blobs", check),
        ("backup", "write a compressed, incremental backup", backup),
        ("restore", "restore a backup, verified, into a directory", restore),
        ("backups", "list the backups in a backup directory", backups),
        ("verify", "check a backup chain without writing anything", verify),
        ("completion", "print a bash or zsh completion script", completion),
    ]

    static let completion = """
        Usage: regkeeper completion bash|zsh

        Prints a completion script. Install it with:
          regkeeper completion bash > /usr/share/bash-completion/completions/regkeeper
          regkeeper completion zsh > /usr/local/share/zsh/site-functions/_regkeeper

        """

    static func show(topic: String?) -> ExitCode {
        switch topic {
        case nil:
            Terminal.out(overview)
            return .success
        case "--man"?:
            Terminal.out(ManPage.render(version: Regkeeper.version))
            return .success
        case "garbage-collect"?:
            Terminal.out(gc)
            return .success
        case let name?:
            if let topic = topics.first(where: { $0.name == name }) {
                Terminal.out(topic.text)
                return .success
            }
            Terminal.error("regkeeper: no help for '\(name)'\n\n" + overview)
            return .usage
        }
    }
}
