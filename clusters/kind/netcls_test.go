package kind

import "testing"

func TestParseNetCls(t *testing.T) {
	t.Parallel()
	const header = "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t1\t1\t1\n"
	tests := []struct {
		name, procCgroups string
		want              NetCls
	}{
		{"hierarchy present", header + "net_cls\t9\t1\t1\nnet_prio\t9\t1\t1\n", NetClsMounted},
		{"enabled, no hierarchy (a fresh VM)", header + "net_cls\t0\t1\t1\nnet_prio\t0\t1\t1\n", NetClsUnmounted},
		{"controller disabled", header + "net_cls\t0\t1\t0\n", NetClsUnavailable},
		{"kernel without net_cls", header, NetClsUnavailable},
		{"garbage", "net_cls\n", NetClsUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := parseNetCls(tt.procCgroups); got != tt.want {
				t.Fatalf("parseNetCls = %d, want %d", got, tt.want)
			}
		})
	}
}
