#!/usr/bin/env bash
# Builds the static Go binaries of the node image from Go module sources:
# Kubernetes (with version stamping), etcd and CoreDNS.
# Usage: build-binaries.sh OUTDIR kubernetes|etcd|coredns; output: OUTDIR/bin.
# KUBERNETES_VERSION (the release), ETCD_VERSION and COREDNS_VERSION (module
# versions, from kubeadm's image list) come from the environment.
# A compile prints which binary it builds, then its elapsed time every 60s,
# so a cold build (about 20 minutes on 2 cores) never looks stuck.
set -euo pipefail
out=${1:?usage: build-binaries.sh OUTDIR kubernetes|etcd|coredns}
work="$out/src"
mkdir -p "$out/bin" "$work"
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
origin=$SECONDS

# timed LABEL CMD...: runs CMD, printing LABEL with the elapsed time every
# 60s while it runs and once when it ends.
timed() {
  local label=$1 began=$SECONDS ticker rc=0
  shift
  echo "    building $label"
  ( while sleep 60; do echo "    ... still building $label ($(( SECONDS - began ))s)"; done ) &
  ticker=$!
  "$@" || rc=$?
  kill "$ticker" 2>/dev/null; wait "$ticker" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then echo "    FAILED $label after $(( SECONDS - began ))s" >&2; return "$rc"; fi
  echo "    built $label in $(( SECONDS - began ))s (binaries total $(( SECONDS - origin ))s)"
}

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
  timed "kubernetes $KUBERNETES_VERSION module download" sh -c 'cd "$1" && shift && go get "$@" >/dev/null' _ "$dir" "${pkgs[@]}"
  local ld="" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$KUBERNETES_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$k8s_minor"
    ld+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  for c in "${cmds[@]}"; do
    timed "$c $KUBERNETES_VERSION" sh -c 'cd "$1" && go build -trimpath -ldflags "-s -w $2" -o "$3" "$4"' _ \
      "$dir" "$ld" "$out/bin/$c" "k8s.io/kubernetes/cmd/$c"
  done
}

# etcd is built with its own failpoints (go.etcd.io/gofail, the mechanism
# of etcd's robustness tests): `gofail enable` turns the `// gofail: var
# NAME` comments of a copy of the server module into failpoints, which the
# gofail runtime serves on $GOFAIL_HTTP (the kind provider sets it to
# 127.0.0.1:22381 in each control-plane node). Without GOFAIL_HTTP or
# GOFAIL_FAILPOINTS every failpoint stays off and etcd behaves as released.
build_etcd() {
  local dir="$work/etcd" gomod src dirs
  rm -rf "$dir"; mkdir -p "$dir"
  src=$(go mod download -json "go.etcd.io/etcd/server/v3@$ETCD_VERSION" | jq -r .Dir)
  gomod="$src/go.mod"
  cp -r "$src" "$dir/server"; chmod -R u+w "$dir/server"
  GOBIN="$work/tools" go install "go.etcd.io/gofail@$GOFAIL_VERSION"
  mapfile -t dirs < <(grep -rl --include='*.go' '// gofail:' "$dir/server" | xargs -n1 dirname | LC_ALL=C sort -u)
  "$work/tools/gofail" enable "${dirs[@]}"
  {
    echo "module harness.local/etcd-build"
    echo "go 1.25"
    echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
    echo "require go.etcd.io/gofail $GOFAIL_VERSION"
    echo "replace go.etcd.io/etcd/server/v3 => ./server"
    # etcd's modules replace each other with relative paths; use the releases.
    awk '/=> \.\.\// {print "replace " $1 " => " $1 " '"$ETCD_VERSION"'"}' "$gomod"
  } >"$dir/go.mod"
  timed "etcd $ETCD_VERSION with gofail $GOFAIL_VERSION failpoints (${#dirs[@]} packages)" sh -c 'cd "$1" && go get "go.etcd.io/etcd/server/v3@$2" "go.etcd.io/gofail@$3" >/dev/null &&
    go build -trimpath -ldflags "-s -w" -o "$4" go.etcd.io/etcd/server/v3' _ "$dir" "$ETCD_VERSION" "$GOFAIL_VERSION" "$out/bin/etcd"
}

build_coredns() {
  timed "coredns $COREDNS_VERSION" env GOBIN="$out/bin" go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@$COREDNS_VERSION"
}

case "${2:?usage: build-binaries.sh OUTDIR kubernetes|etcd|coredns}" in
  kubernetes) build_kubernetes ;;
  etcd) build_etcd ;;
  coredns) build_coredns ;;
  *) echo "build-binaries.sh: unknown part $2 (kubernetes, etcd, coredns)" >&2; exit 2 ;;
esac
