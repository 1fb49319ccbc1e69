# shellcheck shell=bash
# Sourced by run.sh and backup-bench.sh: builds the store generator and (unless $REGKEEPER names
# a binary) regkeeper in release mode, then sets GEN and REGKEEPER to their paths.
#   build_tools NAME   NAME: the calling script, for messages
# Uses HERE, ROOT, BUILD, GEN_SCRATCH, ROOT_SCRATCH and REGKEEPER from the caller.
build_tools() {
    if [ "$BUILD" = 1 ]; then
        echo "== building store-generator ($GEN_SCRATCH)" >&2
        swift build -c release --package-path "$HERE" --scratch-path "$GEN_SCRATCH" --product store-generator >&2
        if [ -z "${REGKEEPER:-}" ]; then
            echo "== building regkeeper ($ROOT_SCRATCH)" >&2
            swift build -c release --package-path "$ROOT" --scratch-path "$ROOT_SCRATCH" --product regkeeper >&2
        fi
    fi
    GEN=$GEN_SCRATCH/release/store-generator
    REGKEEPER=${REGKEEPER:-$ROOT_SCRATCH/release/regkeeper}
    [ -x "$GEN" ] || { echo "$1: no $GEN (run without --no-build)" >&2; exit 2; }
    [ -x "$REGKEEPER" ] || { echo "$1: no $REGKEEPER" >&2; exit 2; }
}
