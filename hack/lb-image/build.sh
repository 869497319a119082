#!/usr/bin/env bash
# Builds kind's external load balancer image offline, from Debian's haproxy
# (no container registry is needed). kind v0.33.0 runs the image it names
# docker.io/envoyproxy/envoy:v1.36.2 in front of the apiservers of a cluster
# with several control-plane nodes, as
#   bash -c '... while true; do envoy -c /home/envoy/envoy.yaml && break; sleep 1; done'
# and writes the backends (cds.yaml) and the listener (lds.yaml) into
# /home/envoy after the container started. This image answers that contract
# with haproxy: /usr/local/bin/envoy (envoy-shim.sh) renders kind's two files
# into an haproxy configuration and reloads haproxy whenever they change.
# The image is labelled dev.harness.load-balancer=haproxy so that nobody
# takes it for Envoy. Idempotent: skipped when an image with the same input
# hash exists.
# Usage: build.sh [IMAGE]   (default: the image kind v0.33.0 expects)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../node-image/versions.env"
image=${1:-docker.io/envoyproxy/envoy:v1.36.2}
cache=${HARNESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harness}/lb-image
packages=(haproxy bash coreutils grep gawk)
start=$SECONDS
step() { echo "==> [$(( SECONDS - start ))s] $*"; }
for tool in debootstrap:debootstrap docker:docker.io; do
  command -v "${tool%%:*}" >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tool#*:}" >/dev/null; }
done
inputs=$( (cd "$here" && find . -type f ! -name '*.md' | LC_ALL=C sort | xargs sha256sum; \
  printf '%s\n' "$DEBIAN_SUITE" "${packages[@]}") | sha256sum | cut -c1-16)
if [ "$(docker image inspect "$image" --format '{{index .Config.Labels "dev.harness.inputs"}}' 2>/dev/null)" = "$inputs" ]; then
  step "image $image is up to date (inputs $inputs); nothing to build"
  exit 0
fi
step "building $image from Debian $DEBIAN_SUITE's haproxy (inputs $inputs)"
mkdir -p "$cache"
mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
# The root filesystem depends on the suite and packages only; the shim is
# added as a layer on top.
rootfs_key=$(printf '%s\n' "$DEBIAN_SUITE" "${packages[@]}" | sha256sum | cut -c1-16)
tarball="$cache/rootfs-$rootfs_key.tar"
if [ ! -s "$tarball" ]; then
  tmp=$(mktemp -d "$cache/rootfs.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  include=$(IFS=,; echo "${packages[*]}")
  step "debootstrap --variant=minbase --include=$include"
  debootstrap --variant=minbase --include="$include" "$DEBIAN_SUITE" "$tmp/rootfs" "$mirror" >"$tmp/debootstrap.log" 2>&1 || {
    echo "lb-image: debootstrap from $mirror failed; last lines:" >&2; tail -n 20 "$tmp/debootstrap.log" >&2; exit 1; }
  chroot "$tmp/rootfs" apt-get clean
  rm -rf "$tmp/rootfs/var/lib/apt/lists/"* "$tmp/rootfs/usr/share/doc" "$tmp/rootfs/usr/share/man"
  mkdir -p "$tmp/rootfs/home/envoy" "$tmp/rootfs/run/haproxy"
  tar -C "$tmp/rootfs" --numeric-owner -cf "$tarball.part" .
  mv "$tarball.part" "$tarball"
fi
previous=$(docker image inspect "$image" --format '{{.Id}}' 2>/dev/null || true)
unlabelled="harness.dev/kind-lb-unlabelled:$inputs"
docker import -c 'CMD ["/usr/local/bin/envoy", "-c", "/home/envoy/envoy.yaml"]' "$tarball" "$unlabelled" >/dev/null
ctx=$(mktemp -d)
install -m 0755 "$here/envoy-shim.sh" "$ctx/envoy"
printf 'FROM %s\nCOPY envoy /usr/local/bin/envoy\nSTOPSIGNAL SIGTERM\nLABEL dev.harness.inputs=%s dev.harness.load-balancer=haproxy\n' \
  "$unlabelled" "$inputs" >"$ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "$image" "$ctx" >/dev/null
rm -rf "$ctx"
docker rmi "$unlabelled" >/dev/null 2>&1 || true
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect "$image" --format '{{.Id}}')" ]; then
  docker rmi "$previous" >/dev/null 2>&1 || true
fi
step "built $image ($(docker image inspect "$image" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}'): haproxy $(docker run --rm --entrypoint haproxy "$image" -v | awk 'NR==1 {print $3}')"
