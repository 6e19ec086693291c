#!/usr/bin/env bash
# kcat (Debian's package) on a librdkafka that speaks SCRAM to Kafka 4.x.
#
# Debian 12's librdkafka (2.0.2) sends the server nonce twice in its SCRAM client-final-message, which
# Kafka 4 rejects ("invalid credentials"; fixed in librdkafka 2.6.1). kcat links librdkafka.so.1, whose
# ABI is stable, so it runs unchanged on librdkafka 2.12.0, built once from the source bundled in the
# npm package node-rdkafka@3.6.1 (integrity-checked) into $AIRAN_HOME/librdkafka-2.12.0 (about 90 s).
#
# Usage: deploy/local/kcat.sh ensure     build the library if it is missing
#        deploy/local/kcat.sh ARGS...    run kcat with ARGS on it
set -euo pipefail

LIBRDKAFKA_VERSION=2.12.0
SOURCE_PACKAGE=node-rdkafka@3.6.1
SOURCE_INTEGRITY=sha512-sfpTbrT35429cs0RE8Yb9avGX9BiRRvpV7aweQsghKTjtrVZP3jBrKOPItWXAqHb8doyh3SkuGuUVBLgig1SRg==
AIRAN_HOME="${AIRAN_HOME:-$HOME/.cache/airan}"
PREFIX="$AIRAN_HOME/librdkafka-$LIBRDKAFKA_VERSION"
LIB="$PREFIX/librdkafka.so.1"

log() { echo "[kcat] $*" >&2; }

build() {
  [ -f "$LIB" ] && return 0
  local work t0=$SECONDS
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  log "building librdkafka $LIBRDKAFKA_VERSION for kcat (first time only)..."
  (cd "$work" && npm pack --silent "$SOURCE_PACKAGE" >/dev/null)
  local tarball
  tarball="$(ls "$work"/*.tgz)"
  [ "sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)" = "$SOURCE_INTEGRITY" ] || { log "integrity mismatch for $SOURCE_PACKAGE"; exit 1; }
  tar xzf "$tarball" -C "$work" package/deps/librdkafka
  local src="$work/package/deps/librdkafka"
  grep -q "RD_KAFKA_VERSION  *0x020c00ff" "$src/src/rdkafka.h" || { log "$SOURCE_PACKAGE does not bundle librdkafka $LIBRDKAFKA_VERSION"; exit 1; }
  (cd "$src" && ./configure --disable-gssapi --disable-curl --disable-zstd --disable-lz4-ext --disable-regex-ext >"$work/configure.log" 2>&1) \
    || { tail -20 "$work/configure.log" >&2; exit 1; }
  make -j"$(nproc)" -C "$src/src" librdkafka.so.1 >"$work/make.log" 2>&1 || { tail -20 "$work/make.log" >&2; exit 1; }
  mkdir -p "$PREFIX"
  cp "$src/src/librdkafka.so.1" "$LIB.tmp"
  mv "$LIB.tmp" "$LIB"
  log "librdkafka $LIBRDKAFKA_VERSION ready in $((SECONDS - t0)) s: $PREFIX"
}

mkdir -p "$AIRAN_HOME"
exec {lock}>"$AIRAN_HOME/.librdkafka.lock"
flock "$lock"
build
exec {lock}>&-
if [ "${1:-}" = ensure ]; then exit 0; fi
LD_LIBRARY_PATH="$PREFIX${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec kcat "$@"
