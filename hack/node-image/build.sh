#!/usr/bin/env bash
# Builds the offline kind node image from Debian packages and Go module
# sources only (no container registry is needed). Idempotent: the image is
# labelled with a hash of its inputs and the build is skipped when an image
# with that hash exists. Usage: build.sh [IMAGE]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
source "$here/versions.env"
image=${1:-harness.dev/kind-node:$KUBERNETES_VERSION}
cache=${HARNESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harness}/node-image
start=$SECONDS
# Host tools the build uses, installed from Debian's packages when missing.
missing=()
for tool in jq:jq debootstrap:debootstrap objdump:binutils docker:docker.io; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${missing[*]} from Debian packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
mkdir -p "$cache"
kind_dir=$(cd "$repo" && go mod download -json "sigs.k8s.io/kind@$KIND_VERSION" | jq -r .Dir)
step() { echo "==> [$(( SECONDS - start ))s] $*"; }

inputs=$( (cd "$here" && find . -type f ! -name '*.md' | LC_ALL=C sort | xargs sha256sum; \
  cd "$kind_dir/images/base/files" && find . -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-16)
if [ "$(docker image inspect "$image" --format '{{index .Config.Labels "dev.harness.inputs"}}' 2>/dev/null)" = "$inputs" ]; then
  step "image $image is up to date (inputs $inputs); nothing to build"
  exit 0
fi
step "building $image (inputs $inputs) in $cache"

step "go binaries: kubernetes $KUBERNETES_VERSION, etcd $ETCD_VERSION, coredns $COREDNS_VERSION"
"$here/build-binaries.sh" "$cache" all
(cd "$repo" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$cache/bin/pause" ./hack/node-image/pause)

step "debian $DEBIAN_SUITE root filesystem (debootstrap, cached)"
tarball=$("$here/rootfs.sh" "$cache")

work=$(mktemp -d "$cache/build.XXXXXX")
container=""
base="harness.dev/kind-base:$inputs"
committed="harness.dev/kind-node-unlabelled:$inputs"
previous=$(docker image inspect "$image" --format '{{.Id}}' 2>/dev/null || true)
# On success and on failure: no container, intermediate image or component
# image of the build is left behind.
cleanup() {
  [ -z "$container" ] || docker rm -f "$container" >/dev/null 2>&1 || true
  docker rmi "$committed" "$base" >/dev/null 2>&1 || true
  # shellcheck disable=SC2046
  [ ! -s "$work/images.txt" ] || docker rmi $(cat "$work/images.txt") >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

step "component images"
"$here/component-images.sh" "$cache" "$work" "$tarball"

step "base image: kind's base files on the rootfs"
"$here/prepare-rootfs.sh" "$work/rootfs" "$tarball" "$kind_dir/images/base/files" "$cache/bin"
tar -C "$work/rootfs" --numeric-owner -c . | docker import - "$base" >/dev/null
rm -rf "$work/rootfs"

step "preloading images into containerd"
images=$(cat "$work/images.txt")
container=$(docker run -d --init --privileged --entrypoint=sleep "$base" infinity)
docker exec "$container" sh -c 'containerd >/var/log/containerd-preload.log 2>&1 &'
for _ in $(seq 60); do docker exec "$container" ctr version >/dev/null 2>&1 && break; sleep 0.5; done
# shellcheck disable=SC2086
docker save $images | docker exec -i "$container" ctr -n k8s.io images import --all-platforms --no-unpack --digests -
for img in $images; do
  docker exec "$container" ctr -n k8s.io images label "$img" io.cri-containerd.pinned=pinned >/dev/null
done
docker exec "$container" sh -c 'pkill containerd; while ps -o stat= -C containerd | grep -qv Z; do sleep 0.2; done; rm -f /var/log/containerd-preload.log'
docker commit -c 'ENV container=docker' -c 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' -c 'CMD []' \
  "$container" "$committed" >/dev/null
docker rm -f "$container" >/dev/null; container=""

step "final image with stop signal and input label"
printf 'FROM %s\nSTOPSIGNAL SIGRTMIN+3\nLABEL dev.harness.inputs=%s dev.harness.kubernetes-version=%s\n' \
  "$committed" "$inputs" "$KUBERNETES_VERSION" | DOCKER_BUILDKIT=0 docker build -q -t "$image" - >/dev/null
# The image this build replaces (an older input hash) is dangling now.
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect "$image" --format '{{.Id}}')" ]; then
  docker rmi "$previous" >/dev/null 2>&1 || true
fi
step "built $image ($(docker image inspect "$image" --format '{{.Size}}' | awk '{printf "%.2f GB", $1/1e9}'))"
