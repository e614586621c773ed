#!/usr/bin/env bash
# Builds the local PostgreSQL node image the container tests use (no registry is reachable here):
#   1. a minimal Debian bookworm root filesystem with debootstrap, imported as pagila-store/debian:bookworm
#   2. Debian's postgresql-15 packages installed on it (Dockerfile beside this script)
# Takes about a minute; does nothing when the image exists (FORCE=1 rebuilds). Needs root and Docker.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
image="${PAGILA_NODE_IMAGE:-pagila-store/postgres:15}"
base="pagila-store/debian:bookworm"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if [ "${FORCE:-0}" != 1 ] && docker image inspect "$image" >/dev/null 2>&1; then
  echo "[build-image] $image exists (FORCE=1 rebuilds)"
  exit 0
fi
start=$(date +%s)
if ! docker image inspect "$base" >/dev/null 2>&1; then
  if ! command -v debootstrap >/dev/null; then
    echo "[build-image] installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  fi
  rootfs="$(mktemp -d /var/tmp/pagila-rootfs.XXXXXX)"
  trap 'rm -rf "$rootfs"' EXIT
  echo "[build-image] debootstrap --variant=minbase bookworm ($mirror)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -20 "$rootfs.log"; exit 1; }
  rm -f "$rootfs.log"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  echo "[build-image] importing $base ($(du -sh "$rootfs" | cut -f1))"
  tar -C "$rootfs" -c . | docker import - "$base" >/dev/null
fi
echo "[build-image] installing Debian's postgresql-15 into $image"
docker build -q --build-arg "BASE=$base" -t "$image" "$here" >/dev/null
echo "[build-image] $image built in $(( $(date +%s) - start )) s: $(docker run --rm "$image" /usr/lib/postgresql/15/bin/postgres --version)"
