package kind

import (
	"fmt"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// NetCls is the state of the kernel's net_cls cgroup controller on the
// host, as /proc/cgroups reports it (columns: subsys_name, hierarchy,
// num_cgroups, enabled; hierarchy 0 means no v1 hierarchy is mounted).
type NetCls int

// States of the net_cls controller.
const (
	// NetClsMounted: a v1 hierarchy with net_cls exists; a kind node (in
	// its own cgroup namespace) can mount it.
	NetClsMounted NetCls = iota
	// NetClsUnmounted: the controller is enabled but no v1 hierarchy holds
	// it. The kernel refuses a container in its own cgroup namespace to
	// create a new hierarchy ("permission denied"), so the host must mount
	// it first.
	NetClsUnmounted
	// NetClsUnavailable: the kernel has no net_cls controller, or it is
	// disabled (cgroup_disable=net_cls).
	NetClsUnavailable
)

// parseNetCls reads the net_cls line of /proc/cgroups.
func parseNetCls(procCgroups string) NetCls {
	for _, line := range strings.Split(procCgroups, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || f[0] != "net_cls" {
			continue
		}
		switch {
		case f[3] != "1":
			return NetClsUnavailable
		case f[1] == "0":
			return NetClsUnmounted
		}
		return NetClsMounted
	}
	return NetClsUnavailable
}

// hostNetClsMounts are where EnsureNetCls mounts the hierarchy, first
// choice first: beside the host's other v1 hierarchies when /sys/fs/cgroup
// is a tmpfs (a cgroup v1 host), else under /run.
var hostNetClsMounts = []string{"/sys/fs/cgroup/net_cls", "/run/harness/host-net_cls"}

// EnsureNetCls makes sure the host has a v1 net_cls hierarchy, which the
// network fault's one-component edge (and the partition of a hostNetwork
// Pod) needs inside the node. When the controller is enabled but not
// mounted, it mounts it (as root) and logs where; the mount stays after the
// run (it changes nothing for other processes: every process stays in the
// hierarchy's root class 0); `umount PATH` undoes it. It returns an error
// that says what to do when the host cannot offer it.
func EnsureNetCls(log *slog.Logger) error {
	data, err := os.ReadFile("/proc/cgroups")
	if err != nil {
		return fmt.Errorf("read /proc/cgroups to find the net_cls controller: %w", err)
	}
	switch parseNetCls(string(data)) {
	case NetClsMounted:
		return nil
	case NetClsUnavailable:
		return fmt.Errorf("this host's kernel has no enabled net_cls cgroup controller (/proc/cgroups), which a network " +
			"fault on one component needs; boot without cgroup_disable=net_cls, or cut the whole node or Pod " +
			"(partition fault) instead")
	}
	var errs []string
	for _, dir := range hostNetClsMounts {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			errs = append(errs, fmt.Sprintf("mkdir %s: %v", dir, err))
			continue
		}
		if err := unix.Mount("net_cls", dir, "cgroup", 0, "net_cls"); err != nil {
			errs = append(errs, fmt.Sprintf("mount -t cgroup -o net_cls net_cls %s: %v", dir, err))
			_ = os.Remove(dir)
			continue
		}
		log.Warn("mounted the host's net_cls cgroup hierarchy, which a one-component network fault needs; it stays mounted (umount to undo)",
			"path", dir)
		return nil
	}
	return fmt.Errorf("this host's net_cls cgroup controller is enabled but not mounted, and a network fault on one "+
		"component needs it; mounting it failed (%s); as root run: mkdir -p %s && mount -t cgroup -o net_cls net_cls %s",
		strings.Join(errs, "; "), hostNetClsMounts[0], hostNetClsMounts[0])
}
