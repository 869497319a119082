#!/usr/bin/env bash
# Builds the static Go binaries of the node image from Go module sources:
# Kubernetes (with version stamping), etcd and CoreDNS. Output: $1/bin.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
out=${1:?usage: build-binaries.sh OUTDIR}
work="$out/src"
mkdir -p "$out/bin" "$work"
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false

k8s_minor=${KUBERNETES_VERSION#v1.}; k8s_minor=${k8s_minor%%.*}
staging_version="v0.${KUBERNETES_VERSION#v1.}"

build_kubernetes() {
  local dir="$work/kubernetes" gomod
  mkdir -p "$dir"
  gomod=$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | jq -r .GoMod)
  {
    echo "module harness.local/kubernetes-build"
    echo "go 1.25"
    echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
    # k8s.io/kubernetes replaces its staging modules with ./staging/...; point
    # each of them at the published module of the same release instead.
    awk '/=> \.\/staging\// {print "replace " $1 " => " $1 " '"$staging_version"'"}' "$gomod"
  } >"$dir/go.mod"
  local cmds=(kube-apiserver kube-controller-manager kube-scheduler kubelet kubeadm kube-proxy kubectl)
  local pkgs=() c
  for c in "${cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c@$KUBERNETES_VERSION"); done
  (cd "$dir" && go get "${pkgs[@]}" >/dev/null)
  local ld="" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$KUBERNETES_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$k8s_minor"
    ld+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  for c in "${cmds[@]}"; do
    (cd "$dir" && go build -trimpath -ldflags "-s -w $ld" -o "$out/bin/$c" "k8s.io/kubernetes/cmd/$c")
  done
}

build_etcd() {
  local dir="$work/etcd" gomod
  mkdir -p "$dir"
  gomod=$(go mod download -json "go.etcd.io/etcd/server/v3@$ETCD_VERSION" | jq -r .GoMod)
  {
    echo "module harness.local/etcd-build"
    echo "go 1.25"
    echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
    # etcd's modules replace each other with relative paths; use the releases.
    awk '/=> \.\.\// {print "replace " $1 " => " $1 " '"$ETCD_VERSION"'"}' "$gomod"
  } >"$dir/go.mod"
  (cd "$dir" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >/dev/null &&
    go build -trimpath -ldflags "-s -w" -o "$out/bin/etcd" go.etcd.io/etcd/server/v3)
}

build_coredns() {
  GOBIN="$out/bin" go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@$COREDNS_VERSION"
}

case "${2:-all}" in
  kubernetes) build_kubernetes ;;
  etcd) build_etcd ;;
  coredns) build_coredns ;;
  all) build_kubernetes; build_etcd; build_coredns ;;
esac
