#!/usr/bin/env bash
# Installs what regkeeper needs to build and test on Debian 12 (run as root, or with sudo).
# The Swift toolchain itself is expected on PATH (swift.org tarball, e.g. /opt/swift).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Build: libzstd, liblz4, OpenSSL libcrypto headers and pkg-config files.
# Tests: the real registry (distribution 2.8) and skopeo; zstd/lz4/jq for scripts.
$SUDO apt-get install -y -qq --no-install-recommends \
    pkg-config libzstd-dev liblz4-dev libssl-dev \
    docker-registry skopeo zstd lz4 jq curl ca-certificates rsync time tmux >/dev/null
echo "setup-debian: dependencies installed"
