#!/usr/bin/env bash
# Times `regkeeper gc --dry-run` against the stock `docker-registry garbage-collect --dry-run`
# (distribution 2.8) on synthetic stores, side by side, and checks that both list the same
# garbage. See Benchmarks/README.md.
#
# Usage: Benchmarks/run.sh [--reps N] [--stores "s50k ci-1x ci-2x ci-4x"] [--no-build]
# (also known: "tiny", a smoke test of a few seconds; "ci-8x", whose stock -m takes ~15 min)
#
# Environment:
#   REPS=5              timed repetitions per (store, mode, tool); the median is reported
#   SLOW_LIMIT=60       a stock run slower than this many seconds is not repeated
#   WORK=Benchmarks/work          stores, raw outputs (gitignored)
#   RESULTS=Benchmarks/results    where the summary (.md, .tsv) goes
#   ROOT_SCRATCH=<root>/.build    scratch path for building regkeeper
#   GEN_SCRATCH=Benchmarks/.build scratch path for building store-generator
#   REGKEEPER=path      use this regkeeper binary instead of building one
#   JOBS=N              pass --jobs N to regkeeper (default: its own default, the core count)
#   STOCK=0             skip the stock collector (regkeeper only, e.g. to compare --jobs)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Everything is in functions, called from the last line: bash parses the whole file before
# running anything, so editing this file during a run cannot derail the run.
main() {
    ROOT=$(cd "$HERE/.." && pwd)
    WORK=${WORK:-$HERE/work}
    RESULTS=${RESULTS:-$HERE/results}
    REPS=${REPS:-5}
    SLOW_LIMIT=${SLOW_LIMIT:-60}
    ROOT_SCRATCH=${ROOT_SCRATCH:-$ROOT/.build}
    GEN_SCRATCH=${GEN_SCRATCH:-$HERE/.build}
    STORES="s50k ci-1x ci-2x ci-4x"
    BUILD=1

    while [ $# -gt 0 ]; do
        case "$1" in
            --reps) REPS=$2; shift 2 ;;
            --stores) STORES=$2; shift 2 ;;
            --no-build) BUILD=0; shift ;;
            -h|--help) sed -n "2,21p" "$0"; exit 0 ;;
            *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
        esac
    done

    # Generator arguments of every store the script knows. ci-Nx: one repository, N x (650 tags,
    # 950 revisions), the shape of a CI registry that tags every build and moves a few tags.
    store_args() {
        case "$1" in
            tiny)  echo "--repos 12 --tags-per-repo 4 --pushes-per-repo 8 --index-fraction 0.3 --referrer-fraction 0.3 --emptied-repos 1 --uploads 2 --ci-repo 5 9 --seed 3" ;;
            s50k)  echo "--blobs 50000 --repos 100 --tags-per-repo 30 --emptied-repos 2 --uploads 5 --seed 1" ;;
            ci-1x) echo "--repos 0 --ci-repo 650 950 --seed 2" ;;
            ci-2x) echo "--repos 0 --ci-repo 1300 1900 --seed 2" ;;
            ci-4x) echo "--repos 0 --ci-repo 2600 3800 --seed 2" ;;
            ci-8x) echo "--repos 0 --ci-repo 5200 7600 --seed 2" ;;
            *) echo "run.sh: unknown store $1" >&2; exit 2 ;;
        esac
    }

    need() { command -v "$1" >/dev/null 2>&1 || { echo "run.sh: $1 is required ($2)" >&2; exit 2; }; }
    need docker-registry "apt-get install docker-registry"
    need python3 "apt-get install python3"
    [ -x /usr/bin/time ] || { echo "run.sh: GNU time is required (apt-get install time)" >&2; exit 2; }

    mkdir -p "$WORK" "$RESULTS"

    # ---- build -------------------------------------------------------------------------------
    # shellcheck source=build-tools.sh
    . "$HERE/build-tools.sh"
    build_tools run.sh
    # The root's commit now (after the build), "+dirty" if Sources/ or Package.swift differ from it.
    RK_VERSION="$("$REGKEEPER" version 2>&1 | head -1) ($(git -C "$ROOT" --no-optional-locks rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" --no-optional-locks diff --quiet HEAD -- Sources Package.swift 2>/dev/null || echo '+dirty'))"
    [ "$BUILD" = 1 ] || RK_VERSION="$RK_VERSION, binary not rebuilt by this run"
    RK_JOBS=()
    [ -n "${JOBS:-}" ] && RK_JOBS=(--jobs "$JOBS")

    # ---- stores ------------------------------------------------------------------------------
    GEN_ID=$(sha256sum "$GEN" | cut -c1-16)
    for s in $STORES; do
        dir=$WORK/stores/$s
        args=$(store_args "$s")
        if [ -f "$dir/stats.json" ] && [ "$(cat "$dir/args" 2>/dev/null)" = "$args generator:$GEN_ID" ]; then
            echo "== store $s: reusing $dir" >&2
            continue
        fi
        echo "== store $s: generating ($args)" >&2
        rm -rf "$dir"
        # shellcheck disable=SC2086
        "$GEN" --quiet --out "$dir" $args
        echo "$args generator:$GEN_ID" > "$dir/args"
    done
    sync

    # ---- measurements ------------------------------------------------------------------------
    RAW=$WORK/raw.tsv
    OUT=$WORK/out
    rm -rf "$OUT"; mkdir -p "$OUT"
    printf 'store\tmode\ttool\trep\twall_s\tmax_rss_kb\tcpu_s\texit\n' > "$RAW"

    # run STORE MODE TOOL REP: one timed run; stdout kept for rep 1.
    run() {
        local s=$1 mode=$2 tool=$3 rep=$4 dir=$WORK/stores/$1 m=() out t0 t1 rc
        [ "$mode" = untagged ] && m=(--delete-untagged)
        out=$OUT/$s.$mode.$tool.out
        [ "$rep" -gt 1 ] && out=/dev/null
        [ "$rep" = 0 ] && out=/dev/null
        t0=$EPOCHREALTIME
        set +e
        if [ "$tool" = stock ]; then
            /usr/bin/time -f '%M %U %S' -o "$OUT/rss" docker-registry garbage-collect --dry-run "${m[@]}" "$dir/config.yml" \
                > "$out" 2> "$OUT/$s.$mode.$tool.err"
        else
            /usr/bin/time -f '%M %U %S' -o "$OUT/rss" "$REGKEEPER" gc --dry-run "${m[@]}" --min-age 0 --json "${RK_JOBS[@]}" "$dir/store" \
                > "$out" 2> "$OUT/$s.$mode.$tool.err"
        fi
        rc=$?
        set -e
        t1=$EPOCHREALTIME
        [ "$rep" = 0 ] && return 0
        local wall rss cpu
        wall=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
        # GNU time's last line: max RSS (KiB), user and system CPU seconds.
        read -r rss user sys < <(grep -E '^[0-9]+ [0-9.]+ [0-9.]+$' "$OUT/rss" | tail -1)
        cpu=$(python3 -c "print(f'{$user + $sys:.2f}')")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$mode" "$tool" "$rep" "$wall" "$rss" "$cpu" "$rc" >> "$RAW"
        echo "   $s $mode $tool rep $rep: ${wall}s ${rss}KB cpu ${cpu}s exit $rc" >&2
        LAST_WALL=$wall
    }

    for s in $STORES; do
        dir=$WORK/stores/$s
        echo "== $s: warming the page cache" >&2
        find "$dir/store" -type f -print0 | xargs -0 cat > /dev/null
        [ "${STOCK:-1}" = 0 ] || run "$s" default stock 0
        run "$s" default regkeeper 0
        for mode in default untagged; do
            stock_done=0
            for ((i = 1; i <= REPS; i++)); do
                # Alternate which tool goes first.
                if (( i % 2 )); then order="stock regkeeper"; else order="regkeeper stock"; fi
                for tool in $order; do
                    if [ "$tool" = stock ]; then
                        [ "$stock_done" = 1 ] || [ "${STOCK:-1}" = 0 ] && continue
                        run "$s" "$mode" stock "$i"
                        if python3 -c "import sys; sys.exit(0 if $LAST_WALL > $SLOW_LIMIT else 1)"; then
                            echo "   (stock took over ${SLOW_LIMIT}s: not repeated)" >&2
                            stock_done=1
                        fi
                    else
                        run "$s" "$mode" regkeeper "$i"
                    fi
                done
            done
        done
    done

    # ---- summary -----------------------------------------------------------------------------
    STAMP=$(date -u +%Y%m%dT%H%M%SZ)
    export WORK OUT RAW RESULTS STAMP STORES REPS SLOW_LIMIT REGKEEPER JOBS RK_VERSION
    export MACHINE="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, Linux $(uname -r), $(df -T "$WORK" | awk 'NR==2 {print $2}') ($(findmnt -no SOURCE -T "$WORK" 2>/dev/null || echo '?'))"
    export STOCK_VERSION="$(docker-registry --version 2>&1 | head -1)"
    export SWIFT_VERSION="$(swift --version 2>&1 | head -1)"
    python3 "$HERE/summarize.py"
}

main "$@"; exit $?
