#!/usr/bin/env bash
# Makes the control-plane component images (kube-apiserver, ..., etcd,
# coredns, pause) with `docker import`, tagged exactly as kubeadm expects.
# Usage: component-images.sh BINCACHE WORKDIR ROOTFS_TARBALL; writes
# WORKDIR/images.txt (one image per line). KUBERNETES_VERSION, ETCD_IMAGE_TAG,
# COREDNS_VERSION and PAUSE_IMAGE_TAG come from build.sh (kubeadm's list).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=$1 work=$2 tarball=$3
bin="$cache/bin"
registry=registry.k8s.io
: "${KUBERNETES_VERSION:?} ${ETCD_IMAGE_TAG:?} ${COREDNS_VERSION:?} ${PAUSE_IMAGE_TAG:?}"

# skeleton DIR: the files every component image has.
skeleton() {
  mkdir -p "$1/usr/local/bin" "$1/tmp" "$1/etc"
  chmod 1777 "$1/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' >"$1/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$1/etc/group"
}
# import DIR IMAGE [ENTRYPOINT]
import() {
  local change=()
  [ -z "${3:-}" ] || change=(-c "ENTRYPOINT [\"$3\"]")
  tar -C "$1" --numeric-owner -c . | docker import "${change[@]}" - "$2" >/dev/null
  echo "$2" >>"$work/images.txt"
  rm -rf "$1"
}
: >"$work/images.txt"

for c in kube-apiserver kube-controller-manager kube-scheduler; do
  d="$work/img-$c"; skeleton "$d"; cp "$bin/$c" "$d/usr/local/bin/"
  import "$d" "$registry/$c:$KUBERNETES_VERSION"
done
# etcd (with its gofail failpoints) is /usr/local/libexec/etcd/etcd; the
# `etcd` kubeadm's manifest runs sets GOFAIL_HTTP and execs it.
d="$work/img-etcd"; skeleton "$d"; mkdir -p "$d/usr/local/libexec/etcd"
cp "$bin/etcd" "$d/usr/local/libexec/etcd/etcd"; cp "$bin/etcd-failpoints" "$d/usr/local/bin/etcd"
import "$d" "$registry/etcd:$ETCD_IMAGE_TAG"
d="$work/img-coredns"; skeleton "$d"; cp "$bin/coredns" "$d/coredns"
import "$d" "$registry/coredns/coredns:$COREDNS_VERSION" /coredns
d="$work/img-pause"; skeleton "$d"; cp "$bin/pause" "$d/pause"
import "$d" "$registry/pause:$PAUSE_IMAGE_TAG" /pause

# kube-proxy programs iptables: its image carries the rootfs's iptables
# userspace (xtables-nft-multi, its extensions and their libraries).
d="$work/img-kube-proxy"; skeleton "$d"; cp "$bin/kube-proxy" "$d/usr/local/bin/"
"$here/iptables-userspace.sh" "$tarball" "$d"
import "$d" "$registry/kube-proxy:$KUBERNETES_VERSION"
