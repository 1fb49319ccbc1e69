/// The help texts: `regkeeper --help`, `regkeeper help COMMAND`, `COMMAND --help`.
enum Help {
    static let overview = """
        regkeeper — keeps a self-hosted Docker registry's storage healthy.

        Usage: regkeeper COMMAND [OPTIONS]

        Commands:
          gc        Garbage-collect the registry's storage (mark from manifests, sweep the rest)
          help      Show help for a command: regkeeper help gc
          version   Print the version

        Exit status: 0 done, 1 failed, 2 usage error, 3 the store has problems and nothing was deleted.
        Run 'regkeeper help gc' to start.

        """

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

    static func show(topic: String?) -> ExitCode {
        switch topic {
        case nil:
            Terminal.out(overview)
            return .success
        case "gc"?, "garbage-collect"?:
            Terminal.out(gc)
            return .success
        case let other?:
            Terminal.error("regkeeper: no help for '\(other)'\n\n" + overview)
            return .usage
        }
    }
}
