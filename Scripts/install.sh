#!/usr/bin/env bash
# Builds regkeeper (release, Swift runtime linked statically) and installs the binary, the man
# page, the bash/zsh completions, the nightly job (bin/regkeeper-nightly) and its examples
# (share/regkeeper/examples: nightly.env, cron, systemd, compose) under a prefix.
#
#   Scripts/install.sh [--prefix /usr/local] [--destdir DIR]
#
# Needs the Swift toolchain and the C libraries (Scripts/setup-debian.sh installs them). The
# installed binary needs only libzstd, liblz4 and libcrypto at run time.
set -euo pipefail
PREFIX=/usr/local
DESTDIR=""
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) PREFIX=$2; shift 2 ;;
        --destdir) DESTDIR=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product regkeeper
BIN=$(swift build -c release --static-swift-stdlib --show-bin-path)/regkeeper
ROOT="$DESTDIR$PREFIX"
install -d "$ROOT/bin" "$ROOT/share/man/man1" "$ROOT/share/bash-completion/completions" "$ROOT/share/zsh/site-functions" \
    "$ROOT/share/regkeeper/examples/cron" "$ROOT/share/regkeeper/examples/systemd" "$ROOT/share/regkeeper/examples/compose"
install -m 0755 "$BIN" "$ROOT/bin/regkeeper"
install -m 0755 Scripts/regkeeper-nightly "$ROOT/bin/regkeeper-nightly"
install -m 0644 Scripts/nightly.env.example "$ROOT/share/regkeeper/examples/nightly.env"
install -m 0644 Scripts/cron/regkeeper "$ROOT/share/regkeeper/examples/cron/regkeeper"
install -m 0644 Scripts/systemd/regkeeper-nightly.service Scripts/systemd/regkeeper-nightly.timer "$ROOT/share/regkeeper/examples/systemd/"
install -m 0644 Scripts/compose/*.yml "$ROOT/share/regkeeper/examples/compose/"
"$BIN" help --man > "$ROOT/share/man/man1/regkeeper.1"
"$BIN" completion bash > "$ROOT/share/bash-completion/completions/regkeeper"
"$BIN" completion zsh > "$ROOT/share/zsh/site-functions/_regkeeper"
echo "installed $("$ROOT/bin/regkeeper" --version) into $ROOT"
