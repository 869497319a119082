#!/usr/bin/env bash
# Copies the iptables userspace (nft backend) with every shared library it
# needs from the rootfs tarball into DEST. Usage: iptables-userspace.sh TARBALL DEST
set -euo pipefail
tarball=$1 dest=$2
src=$(mktemp -d); trap 'rm -rf "$src"' EXIT
tar -C "$src" -xf "$tarball"

# resolve PATH: the file a path of the rootfs names, following symlinks
# inside the rootfs (absolute links point into the rootfs, not the host).
resolve() {
  local p=$1 link i
  for i in $(seq 40); do
    local dir=${p%/*} base=${p##*/} d
    d=$(resolve_dir "${dir:-/}")
    p="$d/$base"; p=${p//\/\//\/}
    if [ -L "$src$p" ]; then
      link=$(readlink "$src$p")
      case "$link" in /*) p=$link ;; *) p="$d/$link" ;; esac
    else
      echo "$p"; return 0
    fi
  done
  echo "iptables-userspace: symlink loop at $1" >&2; return 1
}
resolve_dir() { # resolves every component of a directory path
  local out="" part
  IFS=/ read -ra parts <<<"${1#/}"
  for part in "${parts[@]}"; do
    [ -n "$part" ] || continue
    case "$part" in .) continue ;; ..) out=${out%/*}; continue ;; esac
    out="$out/$part"
    if [ -L "$src$out" ]; then out=$(resolve "$out"); fi
  done
  echo "${out:-/}"
}
copy() { # copy PATH of the rootfs to the same path in DEST, with its libraries
  local f=$1 real lib dir
  [ -e "$dest$f" ] && return 0
  real=$(resolve "$f")
  mkdir -p "$dest${f%/*}"
  cp "$src$real" "$dest$f"
  for lib in $(objdump -p "$src$real" 2>/dev/null | awk '/NEEDED/ {print $2}'); do
    for dir in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu; do
      if [ -e "$src$(resolve "$dir/$lib")" ]; then copy "/usr/lib/x86_64-linux-gnu/$lib"; break; fi
    done
  done
}
copy /usr/sbin/xtables-nft-multi
copy /usr/sbin/conntrack
while IFS= read -r f; do copy "/${f#./}"; done < <(cd "$src" && find ./usr/lib/x86_64-linux-gnu/xtables -name '*.so')
copy /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
mkdir -p "$dest/lib64" "$dest/lib"
ln -sf /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$dest/lib64/ld-linux-x86-64.so.2"
ln -sfn /usr/lib/x86_64-linux-gnu "$dest/lib/x86_64-linux-gnu"
for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
  ln -sf xtables-nft-multi "$dest/usr/sbin/$t"
done
