#!/usr/bin/env bash
# Builds a small registry store with the real registry (Debian's docker-registry, distribution 2.8)
# through its HTTP API, for the README demo: Tests/Fixtures/sample-store.
#
#   Scripts/make-sample-store.sh [OUTPUT_DIR]
#
# It holds: a Docker schema2 image retagged (latest moved from 1.0 to 1.1), a nightly tag pushed
# twice (its first manifest is now untagged), an image deleted
# through the API, an OCI image sharing a base layer with another repository (nested name
# team/api), a two-platform OCI index with untagged children, a blob no manifest references,
# and an abandoned upload.
set -euo pipefail
OUT="${1:-$(cd "$(dirname "$0")/.." && pwd)/Tests/Fixtures/sample-store}"
WORK="$(mktemp -d)"
trap 'kill "${PID:-0}" 2>/dev/null || true; wait "${PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat > "$WORK/config.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $WORK/store
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$PORT
YML
env $(env | grep -o '^REGISTRY_[A-Z_]*' | sed 's/^/-u /') docker-registry serve "$WORK/config.yml" >"$WORK/registry.log" 2>&1 &
PID=$!
R="http://127.0.0.1:$PORT"
for _ in $(seq 100); do curl -fs "$R/v2/" >/dev/null && break; sleep 0.1; done

digest() { sha256sum "$1" | cut -d' ' -f1; }

push_blob() {  # repo file -> prints sha256:<hex>
  local repo="$1" file="$2" d location
  d="sha256:$(digest "$file")"
  location="$(curl -fsS -X POST -D - -o /dev/null "$R/v2/$repo/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')"
  case "$location" in http*) ;; *) location="$R$location" ;; esac
  curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$file" "$location&digest=$d" >/dev/null
  echo "$d"
}

push_manifest() {  # repo reference mediatype file -> prints sha256:<hex>
  curl -fsS -X PUT -H "Content-Type: $3" --data-binary "@$4" "$R/v2/$1/manifests/$2" >/dev/null
  echo "sha256:$(digest "$4")"
}

image() {  # repo reference mediatype config-mediatype layer-mediatype layer-text... -> manifest digest
  local repo="$1" ref="$2" mt="$3" cmt="$4" lmt="$5"; shift 5
  local n=$RANDOM layers="" cfg cd f d
  printf '{"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z","rootfs":{"type":"layers"},"n":"%s %s"}' "$repo" "$*" > "$WORK/cfg$n"
  cd="$(push_blob "$repo" "$WORK/cfg$n")"
  for text in "$@"; do
    f="$WORK/layer$n$RANDOM"; printf '%s' "$text" > "$f"
    d="$(push_blob "$repo" "$f")"
    layers="$layers${layers:+,}{\"mediaType\":\"$lmt\",\"size\":$(stat -c %s "$f"),\"digest\":\"$d\"}"
  done
  printf '{"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"%s","size":%s,"digest":"%s"},"layers":[%s]}' \
    "$mt" "$cmt" "$(stat -c %s "$WORK/cfg$n")" "$cd" "$layers" > "$WORK/m$n"
  if [ "$ref" = "@" ]; then ref="sha256:$(digest "$WORK/m$n")"; fi   # "@": push by digest, untagged
  push_manifest "$repo" "$ref" "$mt" "$WORK/m$n"
}

D2=application/vnd.docker.distribution.manifest.v2+json
DC=application/vnd.docker.container.image.v1+json
DL=application/vnd.docker.image.rootfs.diff.tar.gzip
OM=application/vnd.oci.image.manifest.v1+json
OC=application/vnd.oci.image.config.v1+json
OL=application/vnd.oci.image.layer.v1.tar
OI=application/vnd.oci.image.index.v1+json

image library/web 1.0 $D2 $DC $DL "debian base layer" "web 1.0" >/dev/null
curl -fsS -H "Accept: $D2" "$R/v2/library/web/manifests/1.0" > "$WORK/web10"
push_manifest library/web latest $D2 "$WORK/web10" >/dev/null
image library/web 1.1 $D2 $DC $DL "debian base layer" "web 1.1" >/dev/null
curl -fsS -H "Accept: $D2" "$R/v2/library/web/manifests/1.1" > "$WORK/web11"
push_manifest library/web latest $D2 "$WORK/web11" >/dev/null          # retag: latest moves to 1.1
image library/web nightly $D2 $DC $DL "debian base layer" "nightly build 1" >/dev/null
image library/web nightly $D2 $DC $DL "debian base layer" "nightly build 2" >/dev/null   # first one now untagged
DEV="$(image library/web dev $D2 $DC $DL "debian base layer" "web dev build")"
curl -fsS -X DELETE "$R/v2/library/web/manifests/$DEV" >/dev/null      # deleted through the API
image team/api v1 $OM $OC $OL "debian base layer" "api v1" >/dev/null
A="$(image library/tool @ $OM $OC $OL "tool for amd64")"                # untagged children
B="$(image library/tool @ $OM $OC $OL "tool for arm64")"
printf '{"schemaVersion":2,"mediaType":"%s","manifests":[{"mediaType":"%s","size":1,"digest":"%s","platform":{"architecture":"amd64","os":"linux"}},{"mediaType":"%s","size":1,"digest":"%s","platform":{"architecture":"arm64","os":"linux"}}]}' \
  $OI $OM "$A" $OM "$B" > "$WORK/index"
push_manifest library/tool latest $OI "$WORK/index" >/dev/null
printf 'an orphaned blob nobody references' > "$WORK/orphan"
push_blob library/web "$WORK/orphan" >/dev/null
curl -fsS -X POST -o /dev/null "$R/v2/library/web/blobs/uploads/"    # abandoned upload

kill "$PID"; wait "$PID" 2>/dev/null || true
rm -rf "$OUT"; mkdir -p "$(dirname "$OUT")"
cp -a "$WORK/store" "$OUT"
echo "sample store written to $OUT"
