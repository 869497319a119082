package kind

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// Host describes what the container host offers, as detected (never assumed).
type Host struct {
	// CgroupV1 is true when the Docker daemon runs containers on cgroup v1.
	CgroupV1 bool
	// LacksSysResource is true when the capability bounding set lacks
	// CAP_SYS_RESOURCE, so the CRI must not ask for negative oom_score_adj.
	LacksSysResource bool
}

const capSysResource = 24

// DetectHost asks the Docker daemon for its cgroup version and reads this
// process's capability bounding set.
func DetectHost(ctx context.Context) (Host, error) {
	out, err := exec.CommandContext(ctx, "docker", "info", "--format", "{{.CgroupVersion}}").CombinedOutput()
	if err != nil {
		return Host{}, fmt.Errorf("docker info: %w: %s; is the Docker daemon running? (hack/docker/ensure-docker.sh installs and starts it)",
			err, strings.TrimSpace(string(out)))
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return Host{}, fmt.Errorf("read capability bounding set: %w", err)
	}
	capBnd, err := parseCapBnd(string(status))
	if err != nil {
		return Host{}, err
	}
	return Host{
		CgroupV1:         strings.TrimSpace(string(out)) == "1",
		LacksSysResource: capBnd&(1<<capSysResource) == 0,
	}, nil
}

func parseCapBnd(status string) (uint64, error) {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, "CapBnd:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err != nil {
				return 0, fmt.Errorf("parse CapBnd %q: %w", v, err)
			}
			return n, nil
		}
	}
	return 0, fmt.Errorf("no CapBnd line in /proc/self/status")
}

// kubeletCgroupV1Patch lets kubelets >= 1.35 run on a cgroup v1 host.
const kubeletCgroupV1Patch = `kind: KubeletConfiguration
failCgroupV1: false
`

// containerdOOMPatch keeps the CRI from asking for oom_score_adj below the
// runtime's own, which needs CAP_SYS_RESOURCE.
const containerdOOMPatch = `[plugins."io.containerd.grpc.v1.cri"]
  restrict_oom_score_adj = true
`

// Patches returns the kind config patches this host needs.
func (h Host) Patches() (kubeadm, containerd []string) {
	if h.CgroupV1 {
		kubeadm = append(kubeadm, kubeletCgroupV1Patch)
	}
	if h.LacksSysResource {
		containerd = append(containerd, containerdOOMPatch)
	}
	return kubeadm, containerd
}
