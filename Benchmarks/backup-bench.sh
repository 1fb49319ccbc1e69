#!/usr/bin/env bash
# Times `regkeeper backup` / `restore` against `tar -cf - | zstd -T0 -3` and `restic` on one
# synthetic registry store (mostly gzip layers) plus a projects tree, side by side in one run:
# full backups, incrementals after a small change, and restores. See Benchmarks/README.md,
# section "Backups".
#
# Usage: Benchmarks/backup-bench.sh [--reps N] [--no-build] [--store-args "..."] [--tools "..."]
#
# Environment:
#   REPS=3              repetitions; each one is full backups, the change, incrementals, restores
#   WORK=Benchmarks/work/backup   store, outputs, raw timings (gitignored)
#   RESULTS=Benchmarks/results    where the summary (<UTC>-backup.md, .tsv) goes
#   ROOT_SCRATCH=$WORK/build-regkeeper   scratch path for building regkeeper (release)
#   GEN_SCRATCH=Benchmarks/.build        scratch path for building store-generator
#   REGKEEPER=path      use this regkeeper binary instead of building one
#   RK_LABEL=text       what that binary is, for the results (e.g. "built from da6771c")
#   TOOLS="tar-zstd restic regkeeper regkeeper-lz4"   which tools run (in this order on rep 1,
#                       rotated by one on every later rep)
#   STORE_ARGS=...      store-generator arguments (default below: ~2.9 GB, ~1,000 blobs)
#   CHANGE_IMAGES=3     images pushed by the change before the incremental
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Everything is in functions, called from the last line, so editing this file during a run
# cannot derail the run.
main() {
    ROOT=$(cd "$HERE/.." && pwd)
    WORK=${WORK:-$HERE/work/backup}
    RESULTS=${RESULTS:-$HERE/results}
    REPS=${REPS:-3}
    ROOT_SCRATCH=${ROOT_SCRATCH:-$WORK/build-regkeeper}
    GEN_SCRATCH=${GEN_SCRATCH:-$HERE/.build}
    TOOLS=${TOOLS:-"tar-zstd restic regkeeper regkeeper-lz4"}
    STORE_ARGS=${STORE_ARGS:-"--repos 16 --tags-per-repo 6 --pushes-per-repo 10 --gzip-layers --layer-size 4K-48M --projects 25 --uploads 2 --seed 11"}
    CHANGE_IMAGES=${CHANGE_IMAGES:-3}
    BUILD=1

    while [ $# -gt 0 ]; do
        case "$1" in
            --reps) REPS=$2; shift 2 ;;
            --no-build) BUILD=0; shift ;;
            --store-args) STORE_ARGS=$2; shift 2 ;;
            --tools) TOOLS=$2; shift 2 ;;
            -h|--help) sed -n "2,24p" "$0"; exit 0 ;;
            *) echo "backup-bench.sh: unknown argument $1" >&2; exit 2 ;;
        esac
    done

    need() { command -v "$1" >/dev/null 2>&1 || { echo "backup-bench.sh: $1 is required ($2)" >&2; exit 2; }; }
    need python3 "apt-get install python3"
    need zstd "apt-get install zstd"
    need tar "apt-get install tar"
    [ -x /usr/bin/time ] || { echo "backup-bench.sh: GNU time is required (apt-get install time)" >&2; exit 2; }
    if [[ " $TOOLS " == *" restic "* ]] && ! command -v restic >/dev/null 2>&1; then
        echo "== installing restic (apt)" >&2
        if [ "$(id -u)" = 0 ]; then
            apt-get install -y restic >&2 || { apt-get update >&2 && apt-get install -y restic >&2; }
        else
            sudo apt-get install -y restic >&2
        fi
    fi

    mkdir -p "$WORK" "$RESULTS"

    # ---- build -------------------------------------------------------------------------------
    REGKEEPER_GIVEN=${REGKEEPER:+1}
    # shellcheck source=build-tools.sh
    . "$HERE/build-tools.sh"
    build_tools backup-bench.sh
    # What the binary is: the root's commit now (after the build), "+dirty" if Sources/ or
    # Package.swift differ from it; for a given binary, RK_LABEL (e.g. "built from da6771c").
    if [ -n "$REGKEEPER_GIVEN" ]; then
        RK_VERSION="$("$REGKEEPER" version 2>&1 | head -1) (binary $REGKEEPER: ${RK_LABEL:-given, not built by this run})"
    else
        RK_VERSION="$("$REGKEEPER" version 2>&1 | head -1) ($(git -C "$ROOT" --no-optional-locks rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" --no-optional-locks diff --quiet HEAD -- Sources Package.swift 2>/dev/null || echo '+dirty'))"
        [ "$BUILD" = 1 ] || RK_VERSION="$RK_VERSION, binary not rebuilt by this run"
    fi

    # ---- store -------------------------------------------------------------------------------
    DATA=$WORK/data
    GEN_ID=$(sha256sum "$GEN" | cut -c1-16)
    if [ -f "$DATA/stats.json" ] && [ "$(cat "$DATA/args" 2>/dev/null)" = "$STORE_ARGS generator:$GEN_ID" ] \
        && [ ! -e "$WORK/change.json" ]; then
        echo "== store: reusing $DATA" >&2
    else
        if [ -e "$WORK/change.json" ] && [ -d "$DATA" ]; then
            echo "== store: a change of an interrupted run is still applied; reverting it" >&2
            python3 "$HERE/backup-change.py" revert --state "$WORK/change.json"
        fi
        if [ ! -f "$DATA/stats.json" ] || [ "$(cat "$DATA/args" 2>/dev/null)" != "$STORE_ARGS generator:$GEN_ID" ]; then
            echo "== store: generating ($STORE_ARGS), a few minutes" >&2
            rm -rf "$DATA" "$WORK/change.json"
            # shellcheck disable=SC2086
            "$GEN" --quiet --out "$DATA" $STORE_ARGS
            echo "$STORE_ARGS generator:$GEN_ID" > "$DATA/args"
        fi
    fi
    STORE=$DATA/store
    PROJECTS=$DATA/projects
    sync

    # ---- measurements ------------------------------------------------------------------------
    RAW=$WORK/raw.tsv
    OUT=$WORK/out          # backups (per tool)
    RESTORE=$WORK/restore  # restores (one at a time)
    LOGS=$WORK/logs        # stdout/stderr of every timed run, JSON reports
    rm -rf "$OUT" "$RESTORE" "$LOGS"; mkdir -p "$OUT" "$RESTORE" "$LOGS"
    printf 'phase\ttool\trep\twall_s\tcpu_s\tmax_rss_kb\tflush_s\tother_cpu_s\tsteal_s\toutput_bytes\texit\n' > "$RAW"
    CHECKS=$WORK/checks.tsv
    printf 'rep\ttool\ttree\tresult\n' > "$CHECKS"
    export RESTIC_PASSWORD=regkeeper-bench   # a throwaway repository password
    export RESTIC_PROGRESS_FPS=0.1

    tree_stats() {  # files, bytes under the given trees (regular files, apparent sizes)
        find "$@" -type f -printf '%s\n' | awk '{n++; b+=$1} END {printf "%.0f %.0f\n", n, b}'
    }
    # The disk's write speed (1 GiB, fsynced): a bound for any tool whose output is as big as its input.
    sync
    DISK_WRITE=$(dd if=/dev/zero of="$WORK/dd.test" bs=1M count=1024 conv=fsync 2>&1 | tail -1 | sed 's/.*, //')
    rm -f "$WORK/dd.test"
    echo "== disk: $DISK_WRITE (dd, 1 GiB, fsync)" >&2
    read -r SOURCE_FILES SOURCE_BYTES < <(tree_stats "$STORE" "$PROJECTS")
    read -r PROJECT_FILES PROJECT_BYTES < <(tree_stats "$PROJECTS")
    echo "== source: $SOURCE_FILES files, $SOURCE_BYTES bytes (projects: $PROJECT_FILES files, $PROJECT_BYTES bytes)" >&2

    warm() { find "$@" -type f -print0 | xargs -0 cat > /dev/null; }
    # evict DIR...: drops these files from the page cache (after a sync, so the pages are clean),
    # so that outputs of earlier runs do not crowd the cache: without this, the later runs of a
    # repetition pay for the kernel reclaiming memory (seen as seconds of kswapd time).
    evict() {
        sync
        python3 -c '
import os, sys
for top in sys.argv[1:]:
    for d, _, fs in os.walk(top):
        for f in fs:
            p = os.path.join(d, f)
            if os.path.islink(p):
                continue
            try:
                fd = os.open(p, os.O_RDONLY)
            except OSError:
                continue
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            os.close(fd)
' "$@"
    }
    bytes_of() { du -s --apparent-size -B1 "$@" 2>/dev/null | awk '{s+=$1} END {printf "%.0f\n", s}'; }

    # timed PHASE TOOL REP COMMAND...: one timed run (after a sync, so that no earlier write-back
    # lands in it); then the time a `sync` takes right after it: data the tool left unflushed.
    timed() {
        local phase=$1 tool=$2 rep=$3 t0 t1 rc log=$LOGS/$1.$2.$3
        shift 3
        sync
        local stat0 stat1
        stat0=$(head -1 /proc/stat)
        t0=$EPOCHREALTIME
        set +e
        /usr/bin/time -f '%M %U %S' -o "$log.time" "$@" > "$log.out" 2> "$log.err"
        rc=$?
        set -e
        t1=$EPOCHREALTIME
        stat1=$(head -1 /proc/stat)
        sync
        local t2=$EPOCHREALTIME
        local wall flush rss user sys cpu other steal
        wall=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
        flush=$(python3 -c "print(f'{$t2 - $t1:.3f}')")
        read -r rss user sys < <(grep -E '^[0-9]+ [0-9.]+ [0-9.]+$' "$log.time" | tail -1)
        cpu=$(python3 -c "print(f'{$user + $sys:.2f}')")
        # Machine noise: CPU time the rest of the machine used meanwhile, and steal time.
        read -r other steal < <(python3 -c "
import os
a, b = '$stat0'.split()[1:], '$stat1'.split()[1:]
d = [int(y) - int(x) for x, y in zip(a, b)]
hz = os.sysconf('SC_CLK_TCK')
busy = (d[0] + d[1] + d[2] + d[5] + d[6] + d[7]) / hz  # user nice system irq softirq steal
print(f'{max(0.0, busy - d[7] / hz - $cpu):.2f} {d[7] / hz:.2f}')")
        LAST="$phase	$tool	$rep	$wall	$cpu	$rss	$flush	$other	$steal"
        LAST_RC=$rc
        echo "   $phase $tool rep $rep: ${wall}s cpu ${cpu}s rss ${rss}KB flush ${flush}s; others used ${other} CPU s, steal ${steal}s; exit $rc" >&2
        if [ "$rc" != 0 ]; then
            echo "   ! $tool failed; its stderr:" >&2
            tail -5 "$log.err" >&2
        fi
    }
    record() {  # record OUTPUT_BYTES: appends the last timed run
        printf '%s\t%s\t%s\n' "$LAST" "$1" "$LAST_RC" >> "$RAW"
    }

    rk_sources=(registry="$STORE" projects="$PROJECTS")

    # full TOOL REP
    full() {
        local tool=$1 rep=$2 d=$OUT/$1
        rm -rf "$d"; mkdir -p "$d"
        warm "$STORE" "$PROJECTS"
        case "$tool" in
            tar-zstd)
                timed full "$tool" "$rep" bash -c 'set -o pipefail; tar -C "$1" -cf - store projects | zstd -T0 -3 -q -o "$2"' _ "$DATA" "$d/full.tar.zst"
                record "$(bytes_of "$d/full.tar.zst")" ;;
            restic)
                restic -r "$d/repo" init > /dev/null
                timed full "$tool" "$rep" restic -r "$d/repo" --cache-dir "$d/cache" backup --json "$STORE" "$PROJECTS"
                record "$(bytes_of "$d/repo")"
                bytes_of "$d/repo" > "$d/size-after-full" ;;
            regkeeper|regkeeper-lz4)
                local c=()
                [ "$tool" = regkeeper-lz4 ] && c=(--compression lz4)
                timed full "$tool" "$rep" "$REGKEEPER" backup --to "$d/dest" --full --json "${c[@]}" "${rk_sources[@]}"
                record "$(bytes_of "$d/dest")"
                bytes_of "$d/dest" > "$d/size-after-full" ;;
        esac
        evict "$d"
    }

    # incremental TOOL REP (after the change)
    incremental() {
        local tool=$1 rep=$2 d=$OUT/$1
        warm "$STORE" "$PROJECTS"
        case "$tool" in
            tar-zstd)
                timed incremental "$tool" "$rep" bash -c 'set -o pipefail; tar -C "$1" -cf - store projects | zstd -T0 -3 -q -o "$2"' _ "$DATA" "$d/incr.tar.zst"
                record "$(bytes_of "$d/incr.tar.zst")" ;;
            restic)
                timed incremental "$tool" "$rep" restic -r "$d/repo" --cache-dir "$d/cache" backup --json "$STORE" "$PROJECTS"
                record $(( $(bytes_of "$d/repo") - $(cat "$d/size-after-full") )) ;;
            regkeeper|regkeeper-lz4)
                local c=()
                [ "$tool" = regkeeper-lz4 ] && c=(--compression lz4)
                timed incremental "$tool" "$rep" "$REGKEEPER" backup --to "$d/dest" --json "${c[@]}" "${rk_sources[@]}"
                record $(( $(bytes_of "$d/dest") - $(cat "$d/size-after-full") )) ;;
        esac
        evict "$d"
    }

    # restore TOOL REP: restores the newest backup (the state after the change) and checks it.
    restore() {
        local tool=$1 rep=$2 d=$OUT/$1 r=$RESTORE/$1 store_out projects_out
        rm -rf "$r"; mkdir -p "$r"
        case "$tool" in
            tar-zstd)
                warm "$d/incr.tar.zst"
                timed restore "$tool" "$rep" bash -c 'set -o pipefail; zstd -dc -q "$1" | tar -x -C "$2"' _ "$d/incr.tar.zst" "$r"
                store_out=$r/store; projects_out=$r/projects ;;
            restic)
                warm "$d/repo" "$d/cache"
                timed restore "$tool" "$rep" restic -r "$d/repo" --cache-dir "$d/cache" restore latest --target "$r"
                store_out=$r$STORE; projects_out=$r$PROJECTS ;;
            regkeeper|regkeeper-lz4)
                warm "$d/dest"
                timed restore "$tool" "$rep" "$REGKEEPER" restore --from "$d/dest" --to "$r/out" --json
                store_out=$r/out/registry; projects_out=$r/out/projects ;;
        esac
        local restored_files restored_bytes
        read -r restored_files restored_bytes < <(tree_stats "$r")
        record "$restored_bytes"
        # Checks (untimed): the restored trees against the sources.
        local tree src dst result
        for tree in store projects; do
            if [ "$tree" = store ]; then src=$STORE; dst=$store_out; else src=$PROJECTS; dst=$projects_out; fi
            result=$(python3 "$HERE/tree-compare.py" "$src" "$dst" || true)
            printf '%s\t%s\t%s\t%s\n' "$rep" "$tool" "$tree" "$result" >> "$CHECKS"
            case "$result" in
                *'"content": true'*) echo "   check $tool $tree: identical content ($(echo "$result" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["entries"], "entries; mtimes differing (ns / s):", d["mtime_ns_differ"], "/", d["mtime_s_differ"])'))" >&2 ;;
                *) echo "   ! check $tool $tree: DIFFERS: $result" >&2 ;;
            esac
        done
        rm -rf "$r"
        evict "$d"
    }

    read -ra tool_list <<< "$TOOLS"
    for ((i = 1; i <= REPS; i++)); do
        # Rotate the order by one tool per repetition.
        order=()
        for ((k = 0; k < ${#tool_list[@]}; k++)); do
            order+=("${tool_list[$(( (k + i - 1) % ${#tool_list[@]} ))]}")
        done
        echo "== rep $i/$REPS (order: ${order[*]})" >&2
        for tool in "${order[@]}"; do full "$tool" "$i"; done
        echo "== rep $i: the change" >&2
        python3 "$HERE/backup-change.py" apply --store "$STORE" --projects "$PROJECTS" --state "$WORK/change.json" \
            --images "$CHANGE_IMAGES" --seed 1 > "$LOGS/change.$i.json"
        echo "   $(cat "$LOGS/change.$i.json")" >&2
        for tool in "${order[@]}"; do incremental "$tool" "$i"; done
        for tool in "${order[@]}"; do restore "$tool" "$i"; done
        python3 "$HERE/backup-change.py" revert --state "$WORK/change.json"
        rm -rf "${OUT:?}"/*
    done

    # ---- summary -----------------------------------------------------------------------------
    STAMP=$(date -u +%Y%m%dT%H%M%SZ)
    export DISK_WRITE WORK RAW CHECKS LOGS RESULTS STAMP REPS TOOLS STORE_ARGS SOURCE_FILES SOURCE_BYTES PROJECT_FILES PROJECT_BYTES RK_VERSION DATA
    export MACHINE="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, Linux $(uname -r), $(df -T "$WORK" | awk 'NR==2 {print $2}') ($(findmnt -no SOURCE -T "$WORK" 2>/dev/null || echo '?'))"
    export VERSIONS="$(swift --version 2>&1 | head -1); $(tar --version | head -1); $(zstd --version | head -1 | tr -d '*'); $(restic version 2>/dev/null | head -1)"
    export LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
    python3 "$HERE/backup-summarize.py"
}

main "$@"; exit $?
