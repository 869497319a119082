#!/usr/bin/env bash
# Creates the Debian root filesystem of the node image with debootstrap and
# caches it as a tarball keyed by the suite and package list.
# Usage: rootfs.sh CACHEDIR  → prints the path of the cached tarball.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.env"
cache=${1:?usage: rootfs.sh CACHEDIR}
packages=(systemd systemd-sysv dbus conntrack iptables nftables iproute2 ethtool
  util-linux mount kmod ca-certificates socat libseccomp2 pigz procps curl jq
  containerd runc containernetworking-plugins bash)
# The mirror the host's apt uses (Debian packages are reachable, nothing else).
mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb / && $3 == "'"$DEBIAN_SUITE"'" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
key=$(printf '%s\n' "$DEBIAN_SUITE" "${packages[@]}" | sha256sum | cut -c1-16)
tarball="$cache/rootfs-$DEBIAN_SUITE-$key.tar"
if [ -s "$tarball" ]; then echo "$tarball"; exit 0; fi
command -v debootstrap >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
tmp=$(mktemp -d "$cache/rootfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
include=$(IFS=,; echo "${packages[*]}")
debootstrap --variant=minbase --include="$include" "$DEBIAN_SUITE" "$tmp/rootfs" "$mirror" >"$tmp/debootstrap.log" 2>&1 || {
  echo "rootfs.sh: debootstrap from $mirror failed; last lines:" >&2; tail -n 20 "$tmp/debootstrap.log" >&2; exit 1; }
chroot "$tmp/rootfs" apt-get clean
rm -rf "$tmp/rootfs/var/lib/apt/lists/"* "$tmp/rootfs/usr/share/doc" "$tmp/rootfs/usr/share/man"
tar -C "$tmp/rootfs" --numeric-owner -cf "$tarball.part" .
mv "$tarball.part" "$tarball"
echo "$tarball"
