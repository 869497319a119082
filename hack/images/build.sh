#!/usr/bin/env bash
# Builds a Go main package of this repository as a static binary and imports
# it into Docker as a one-file image (no registry, no base image):
#   hack/images/build.sh test/images/selfheal harness.dev/selfheal:dev
set -euo pipefail
pkg=${1:?usage: build.sh PACKAGE IMAGE}
image=${2:?usage: build.sh PACKAGE IMAGE}
cd "$(dirname "$0")/../.."
name=$(basename "$pkg")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CGO_ENABLED=0 go build -trimpath -o "$work/$name" "./$pkg"
tar -C "$work" -cf "$work/image.tar" "$name"
old=$(docker image inspect "$image" --format '{{.Id}}' 2>/dev/null || true)
docker import -c "ENTRYPOINT [\"/$name\"]" "$work/image.tar" "$image" >/dev/null
new=$(docker image inspect "$image" --format '{{.Id}}')
if [ -n "$old" ] && [ "$old" != "$new" ]; then docker rmi "$old" >/dev/null 2>&1 || true; fi
echo "built $image from ./$pkg"
