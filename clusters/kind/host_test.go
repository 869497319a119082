package kind

import (
	"strings"
	"testing"

	"github.com/harness-dev/harness/clusters"
)

func TestParseCapBnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, status string
		want         uint64
		wantErr      bool
	}{
		{"without sys_resource", "Name:\tx\nCapBnd:\t000001fffeffffff\n", 0x1fffeffffff, false},
		{"full", "CapBnd:\t000001ffffffffff\n", 0x1ffffffffff, false},
		{"missing", "Name:\tx\n", 0, true},
		{"garbage", "CapBnd:\tzz\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseCapBnd(tt.status)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("parseCapBnd = %x, %v; want %x, err %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestKindConfigAdaptsToHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                          string
		host                          Host
		wantCgroupPatch, wantOOMPatch bool
	}{
		{"cgroup v2, all caps", Host{}, false, false},
		{"cgroup v1", Host{CgroupV1: true}, true, false},
		{"no CAP_SYS_RESOURCE", Host{LacksSysResource: true}, false, true},
		{"both", Host{CgroupV1: true, LacksSysResource: true}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := kindConfig(clusters.Spec{Workers: 1, KubeadmConfigPatches: []string{"user"}}, tt.host)
			if len(cfg.Nodes) != 2 || cfg.Nodes[1].Role != "worker" {
				t.Fatalf("nodes = %+v, want control-plane and one worker", cfg.Nodes)
			}
			if !cfg.Networking.DisableDefaultCNI {
				t.Fatal("default CNI must be disabled: its image cannot be pulled")
			}
			gotCgroup := strings.Contains(strings.Join(cfg.KubeadmConfigPatches, "\n"), "failCgroupV1: false")
			gotOOM := strings.Contains(strings.Join(cfg.ContainerdConfigPatches, "\n"), "restrict_oom_score_adj = true")
			if gotCgroup != tt.wantCgroupPatch || gotOOM != tt.wantOOMPatch {
				t.Fatalf("patches: cgroup %v oom %v; want %v %v", gotCgroup, gotOOM, tt.wantCgroupPatch, tt.wantOOMPatch)
			}
			if last := cfg.KubeadmConfigPatches[len(cfg.KubeadmConfigPatches)-1]; last != "user" {
				t.Fatalf("user patch must come last, got %q", last)
			}
		})
	}
}

func TestCNIConfigUsesNodePodCIDR(t *testing.T) {
	t.Parallel()
	got := cniConfig("10.244.1.0/24")
	if !strings.Contains(got, `"subnet": "10.244.1.0/24"`) || !strings.Contains(got, `"type": "ptp"`) {
		t.Fatalf("cniConfig = %s", got)
	}
}
