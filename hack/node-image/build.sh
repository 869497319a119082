#!/usr/bin/env bash
# Builds the offline kind node image from Debian packages and Go module
# sources only (no container registry is needed). Idempotent: the image is
# labelled with a hash of its inputs and the build is skipped when an image
# with that hash exists.
# Usage: build.sh [--print-inputs] [--kubernetes-version vX.Y.Z] [IMAGE]
# --print-inputs prints the input hash and exits (a CI cache key).
# The default release is versions.env's; the default IMAGE is
# harness.dev/kind-node:<release>. etcd, CoreDNS and pause follow the images
# that release's kubeadm lists.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
source "$here/versions.env"
print_inputs=false
if [ "${1:-}" = "--print-inputs" ]; then print_inputs=true; shift; fi
if [ "${1:-}" = "--kubernetes-version" ]; then
  KUBERNETES_VERSION=${2:?--kubernetes-version needs a value such as v1.35.4}
  shift 2
fi
if ! [[ $KUBERNETES_VERSION =~ ^v1\.[0-9]+\.[0-9]+$ ]]; then
  echo "build.sh: Kubernetes version $KUBERNETES_VERSION not valid; expected vMAJOR.MINOR.PATCH such as v1.35.4" >&2
  exit 2
fi
export KUBERNETES_VERSION
image=${1:-harness.dev/kind-node:$KUBERNETES_VERSION}
cache=${HARNESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harness}/node-image
# Binaries differ per release; the Go build cache and the rootfs are shared.
bincache="$cache/$KUBERNETES_VERSION"
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
  cd "$kind_dir/images/base/files" && find . -type f | LC_ALL=C sort | xargs sha256sum; \
  echo "$KUBERNETES_VERSION") | sha256sum | cut -c1-16)
if $print_inputs; then echo "$inputs"; exit 0; fi
if [ "$(docker image inspect "$image" --format '{{index .Config.Labels "dev.harness.inputs"}}' 2>/dev/null)" = "$inputs" ]; then
  step "image $image is up to date (inputs $inputs); nothing to build"
  exit 0
fi
step "building $image (inputs $inputs) in $cache"

step "go binaries: kubernetes $KUBERNETES_VERSION"
"$here/build-binaries.sh" "$bincache" kubernetes
# The image tags kubeadm of this release pulls: registry.k8s.io/etcd:3.6.6-0,
# registry.k8s.io/coredns/coredns:v1.13.1, registry.k8s.io/pause:3.10.1.
listed=$("$bincache/bin/kubeadm" config images list --kubernetes-version "$KUBERNETES_VERSION" 2>/dev/null)
tag_of() { awk -F: -v name="$1" '$1 ~ ("/" name "$") {print $2}' <<<"$listed"; }
ETCD_IMAGE_TAG=$(tag_of etcd) COREDNS_VERSION=$(tag_of coredns) PAUSE_IMAGE_TAG=$(tag_of pause)
if [ -z "$ETCD_IMAGE_TAG" ] || [ -z "$COREDNS_VERSION" ] || [ -z "$PAUSE_IMAGE_TAG" ]; then
  echo "build.sh: kubeadm $KUBERNETES_VERSION lists images without etcd, coredns or pause:" >&2
  echo "$listed" >&2; exit 1
fi
ETCD_VERSION="v${ETCD_IMAGE_TAG%-*}"
export ETCD_VERSION ETCD_IMAGE_TAG COREDNS_VERSION PAUSE_IMAGE_TAG GOFAIL_VERSION
step "go binaries: etcd $ETCD_VERSION, coredns $COREDNS_VERSION, pause $PAUSE_IMAGE_TAG (what kubeadm $KUBERNETES_VERSION lists)"
"$here/build-binaries.sh" "$bincache" etcd
"$here/build-binaries.sh" "$bincache" coredns
(cd "$repo" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bincache/bin/pause" ./hack/node-image/pause)
(cd "$repo" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bincache/bin/etcd-failpoints" ./hack/node-image/etcd-failpoints)

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
"$here/component-images.sh" "$bincache" "$work" "$tarball"

step "base image: kind's base files on the rootfs"
"$here/prepare-rootfs.sh" "$work/rootfs" "$tarball" "$kind_dir/images/base/files" "$bincache/bin"
tar -C "$work/rootfs" --numeric-owner -c . | docker import - "$base" >/dev/null
rm -rf "$work/rootfs"

step "preloading images into containerd"
images=$(cat "$work/images.txt")
container=$(docker run -d --init --privileged --entrypoint=sleep "$base" infinity)
docker exec "$container" sh -c 'containerd >/var/log/containerd-preload.log 2>&1 &'
for _ in $(seq 60); do docker exec "$container" ctr version >/dev/null 2>&1 && break; sleep 0.5; done
# shellcheck disable=SC2086
docker save -- $images | docker exec -i "$container" ctr -n k8s.io images import --all-platforms --no-unpack --digests -
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
