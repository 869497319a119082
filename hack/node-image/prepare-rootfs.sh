#!/usr/bin/env bash
# Turns the Debian rootfs into a kind node root filesystem, following the
# steps of kind's images/base Dockerfile with Debian's containerd and runc,
# then adds the Kubernetes node binaries.
# Usage: prepare-rootfs.sh DIR ROOTFS_TARBALL KIND_BASE_FILES BINDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=${KUBERNETES_VERSION:?set by build.sh}
source "$here/versions.env"
root=$1 tarball=$2 files=$3 bin=$4
mkdir -p "$root"
tar -C "$root" --numeric-owner -xf "$tarball"

# kind's base files.
install -d -m 0755 "$root/kind" "$root/kind/bin" "$root/LICENSES"
install -m 0755 "$files"/usr/local/bin/* "$root/usr/local/bin/"
install -m 0644 "$files"/kind/README.txt "$root/kind/"
install -m 0755 "$files"/kind/bin/* "$root/kind/bin/"
install -m 0644 "$files"/LICENSES/* "$root/LICENSES/"
install -m 0644 "$files"/etc/crictl.yaml "$root/etc/"
install -d "$root/etc/containerd" "$root/etc/default" "$root/etc/sysctl.d" "$root/etc/systemd/system/kubelet.service.d"
install -m 0644 "$files"/etc/containerd/* "$root/etc/containerd/"
install -m 0644 "$files"/etc/default/* "$root/etc/default/"
install -m 0644 "$files"/etc/sysctl.d/* "$root/etc/sysctl.d/"
install -m 0644 "$files"/etc/systemd/system/*.service "$files"/etc/systemd/system/*.slice "$root/etc/systemd/system/"
install -m 0644 "$files"/etc/systemd/system/kubelet.service.d/* "$root/etc/systemd/system/kubelet.service.d/"

# Debian puts containerd in /usr/bin and the CNI plugins in /usr/lib/cni.
ln -sf /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/bin/ctr "$root/usr/local/bin/"
mkdir -p "$root/opt/cni"; ln -sfn /usr/lib/cni "$root/opt/cni/bin"
sed -i "s|registry.k8s.io/pause:[^\"]*|registry.k8s.io/pause:$PAUSE_IMAGE_TAG|" "$root/etc/containerd/config.toml"

# The trimming of kind's Dockerfile.
rm -f "$root"/lib/systemd/system/sysinit.target.wants/systemd-tmpfiles-setup.service \
  "$root"/lib/systemd/system/multi-user.target.wants/* \
  "$root"/etc/systemd/system/*.wants/* \
  "$root"/lib/systemd/system/local-fs.target.wants/* \
  "$root"/lib/systemd/system/sockets.target.wants/*udev* \
  "$root"/lib/systemd/system/sockets.target.wants/*initctl* \
  "$root"/lib/systemd/system/basic.target.wants/*
echo "ReadKMsg=no" >>"$root/etc/systemd/journald.conf"
ln -sf /usr/lib/systemd/systemd "$root/sbin/init"
chroot "$root" systemctl enable kubelet.service containerd.service undo-mount-hacks.service >/dev/null 2>&1
ln -sf /dev/null "$root/etc/systemd/system/systemd-binfmt.service"
mkdir -p "$root/etc/kubernetes/manifests" "$root/etc/cni/net.d"

# containerd's base OCI spec with kind's hook (needs jq at run time).
chroot "$root" ctr oci spec |
  jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' |
  jq 'del(.process.rlimits)' >"$root/etc/containerd/cri-base.json"

# Kubernetes node binaries and kind's version file.
install -m 0755 "$bin/kubeadm" "$bin/kubelet" "$bin/kubectl" "$root/usr/bin/"
echo "$version" >"$root/kind/version"
rm -f "$root/etc/machine-id" "$root/var/lib/dbus/machine-id"
: >"$root/etc/machine-id"
