package runner

import "testing"

func TestFreeAddress(t *testing.T) {
	t.Parallel()
	tests := []struct {
		subnet string
		used   []string
		want   string
	}{
		{"172.18.0.0/16", []string{"172.18.0.2"}, "172.18.255.254"},
		{"172.19.0.0/16", []string{"172.19.255.254"}, "172.19.255.253"},
		{"10.0.0.0/24", nil, "10.0.0.254"},
	}
	for _, tt := range tests {
		if got, err := freeAddress(tt.subnet, tt.used); err != nil || got != tt.want {
			t.Errorf("freeAddress(%s, %v) = %s, %v; want %s", tt.subnet, tt.used, got, err, tt.want)
		}
	}
	if _, err := freeAddress("", nil); err == nil {
		t.Error("an unknown subnet gave an address")
	}
}
