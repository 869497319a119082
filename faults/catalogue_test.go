package faults

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/harness-dev/harness/clusters"
)

func TestNewCatalogueValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ     string
		target  Target
		params  any
		wantErr string
	}{
		{"pause", Target{Component: "etcd"}, nil, ""},
		{"pause", Target{Node: "worker"}, nil, "target.component: Required value: want a component"},
		{"reboot-node", Target{Node: "worker"}, &RebootParams{}, ""},
		{"reboot-node", Target{}, &RebootParams{Mode: "containerd"}, ""},
		{"reboot-node", Target{}, &RebootParams{Mode: "halt"}, `params.mode: Unsupported value: "halt": supported values: "machine", "kubelet", "containerd"`},
		{"reboot-node", Target{}, &RebootParams{Grace: -1}, `params.grace: Invalid value: "-1ns"`},
		{"reboot-node", Target{Component: "etcd"}, &RebootParams{}, "target.component: Forbidden: reboot-node takes node"},
		{"rebuild-static-pods", Target{}, &StaticPodsParams{Components: []string{"etcd", "kube-apiserver"}}, ""},
		{"rebuild-static-pods", Target{}, &StaticPodsParams{}, "params.components: Required value"},
		{"rebuild-static-pods", Target{}, &StaticPodsParams{Components: []string{"kubelet"}}, `params.components[0]: Unsupported value: "kubelet": supported values: "kube-apiserver"`},
		{"rebuild-static-pods", Target{}, &StaticPodsParams{Components: []string{"etcd"}, Mode: "touch"}, `params.mode: Unsupported value: "touch": supported values: "move", "rewrite"`},
		{"rebuild-static-pods", Target{Component: "etcd"}, &StaticPodsParams{Components: []string{"etcd"}}, "target.component: Forbidden: rebuild-static-pods takes node"},
		{"network", Target{}, &NetworkParams{Mode: "latency", Delay: 100e6}, ""},
		{"network", Target{}, &NetworkParams{Mode: "latency"}, "params.delay: Invalid value: \"0s\": latency needs a delay of at least 1ms"},
		{"network", Target{}, &NetworkParams{Mode: "loss", Percent: 120}, "params.percent: Invalid value: 120: not a loss percentage"},
		{"network", Target{}, &NetworkParams{Mode: "bandwidth", Rate: "fast"}, `params.rate: Invalid value: "fast": not a tc rate`},
		{"network", Target{}, &NetworkParams{Mode: "bandwidth", Rate: "1.5mbit"}, ""},
		{"network", Target{}, &NetworkParams{Mode: "partition"}, "target.component: Required value: partition of one edge needs a component"},
		{"network", Target{Component: "kube-scheduler"}, &NetworkParams{Mode: "partition"}, ""},
		{"network", Target{Component: "kube-scheduler"}, &NetworkParams{Mode: "latency", Delay: 1e6}, `params.mode: Invalid value: "latency": applies to a node's or Pod's interface`},
		{"network", Target{}, &NetworkParams{Mode: "jam"}, `params.mode: Unsupported value: "jam": supported values: "latency", "loss", "bandwidth", "partition"`},
		{"network", Target{Namespace: "x"}, &NetworkParams{Mode: "loss", Percent: 5}, "target.selector: Required value"},
	}
	for _, tt := range tests {
		t.Run(tt.typ+"/"+tt.wantErr, func(t *testing.T) {
			t.Parallel()
			spec, ok := Lookup(tt.typ)
			if !ok {
				t.Fatalf("no fault type %s; have %v", tt.typ, Types())
			}
			_, err := build(spec, Common{Name: "f", Target: tt.target}, tt.params)
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// replyNode answers commands by their first arguments and records them.
type replyNode struct {
	fakeNode
	replies map[string]string
	stdins  []string
}

func (n *replyNode) Exec(_ context.Context, stdin io.Reader, argv ...string) ([]byte, error) {
	n.ran = append(n.ran, argv)
	if stdin != nil {
		b, _ := io.ReadAll(stdin)
		n.stdins = append(n.stdins, string(b))
	}
	return []byte(n.replies[strings.Join(argv, " ")]), nil
}

const schedulerManifest = `apiVersion: v1
kind: Pod
metadata:
  name: kube-scheduler
  namespace: kube-system
spec:
  containers:
  - name: kube-scheduler
    image: registry.k8s.io/kube-scheduler:v1.35.4
`

func TestStaticPodsRewriteAndRestore(t *testing.T) {
	t.Parallel()
	n := &replyNode{fakeNode: fakeNode{name: "cp", role: "control-plane"},
		replies: map[string]string{"cat -- /etc/kubernetes/manifests/kube-scheduler.yaml": schedulerManifest}}
	env := Env{Cluster: &clusters.Cluster{Nodes: []clusters.Node{n}}, RunID: "run1"}
	f, err := build(staticPodsSpec, Common{Name: "rebuild"}, &StaticPodsParams{Components: []string{"kube-scheduler"}, Mode: "rewrite"})
	if err != nil {
		t.Fatal(err)
	}
	rev, err := f.Plan(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if len(rev.Steps) != 1 || string(rev.Steps[0].Stdin) != schedulerManifest {
		t.Fatalf("the revert does not restore the manifest byte for byte: %+v", rev.Steps)
	}
	if argv := rev.Steps[0].Argv; argv[2] != restoreManifest || argv[4] != "/etc/kubernetes/manifests/kube-scheduler.yaml" ||
		!strings.Contains(restoreManifest, `tmp="/etc/kubernetes/$(basename "$1").harness"`) {
		t.Fatalf("revert %q does not write the manifest through a file outside the manifest directory", argv)
	}
	if err := f.Inject(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	var written struct {
		Metadata struct{ Annotations map[string]string }
	}
	if err := yaml.Unmarshal([]byte(n.stdins[0]), &written); err != nil || written.Metadata.Annotations["harness.dev/rebuilt-by"] != "run1" {
		t.Fatalf("rewritten manifest lacks the annotation (%v):\n%s", err, n.stdins[0])
	}
}

func TestRebootPlansBootOrServiceStart(t *testing.T) {
	t.Parallel()
	n := &fakeNode{name: "cp", role: "control-plane"}
	env := Env{Cluster: &clusters.Cluster{Nodes: []clusters.Node{n}}}
	f, _ := build(rebootSpec, Common{Name: "r"}, &RebootParams{Mode: "machine"})
	if _, err := f.Plan(context.Background(), env); err == nil || !strings.Contains(err.Error(), "use mode kubelet or containerd") {
		t.Fatalf("machine mode on a node that cannot power cycle: %v", err)
	}
	f, _ = build(rebootSpec, Common{Name: "r"}, &RebootParams{Mode: "kubelet"})
	rev, err := f.Plan(context.Background(), env)
	if err != nil || len(rev.Steps) != 1 || strings.Join(rev.Steps[0].Argv, " ") != "systemctl start kubelet" {
		t.Fatalf("revert %+v, %v; want systemctl start kubelet", rev, err)
	}
	if err := f.Inject(context.Background(), env); err != nil || strings.Join(n.ran[0], " ") != "systemctl stop kubelet" {
		t.Fatalf("inject ran %v, %v", n.ran, err)
	}
}

func TestPauseRevertContinuesByName(t *testing.T) {
	t.Parallel()
	n := &fakeNode{name: "cp", role: "control-plane"}
	env := Env{Cluster: &clusters.Cluster{Nodes: []clusters.Node{n}}}
	f, _ := build(pauseSpec, Common{Name: "p", Target: Target{Component: "kube-scheduler"}}, nil)
	rev, err := f.Plan(context.Background(), env)
	if err != nil || len(rev.Steps) != 1 || rev.Steps[0].Argv[2] != signalByNameIfAny || strings.Join(rev.Steps[0].Argv[4:], " ") != "CONT kube-scheduler" {
		t.Fatalf("revert %+v, %v", rev, err)
	}
	if err := f.Inject(context.Background(), env); err != nil || n.ran[0][2] != signalByName || strings.Join(n.ran[0][4:], " ") != "STOP kube-scheduler" {
		t.Fatalf("inject ran %v, %v", n.ran, err)
	}
}

func TestNetworkSteps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		params       NetworkParams
		place        place
		inject, undo string // the arguments after the script
	}{
		{"node loss", NetworkParams{Mode: "loss", Percent: 25, Port: 6443}, place{node: "n"},
			"OUTPUT -p tcp --dport 6443 -m statistic --mode random --probability 0.2500 -m comment --comment harness:r:f -j DROP",
			"harness  OUTPUT -p tcp --dport 6443 -m statistic --mode random --probability 0.2500 -m comment --comment harness:r:f -j DROP"},
		{"pod bandwidth", NetworkParams{Mode: "bandwidth", Rate: "1mbit"}, place{node: "n", netns: "cni-1"},
			"harness cni-1 tbf rate 1mbit burst 32kbit latency 400ms", "harness cni-1"},
		{"latency", NetworkParams{Mode: "latency", Delay: 200e6, Jitter: 50e6}, place{node: "n"},
			"harness  netem delay 200ms 50ms", "harness "},
		{"component edge", NetworkParams{Mode: "partition", Port: 6443}, place{node: "n", component: "kube-scheduler"},
			"harness kube-scheduler 0x1", "harness /run/harness/harness_r_f.pid /run/harness/net_cls/harness_r_f /run/harness/net_cls OUTPUT -m cgroup --cgroup 0x1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &network{c: Common{Name: "f"}, p: tt.params}
			in, out := f.steps(tt.place, "harness:r:f")
			got := strings.Join(in.Argv, " ")
			if in.Argv[0] == "sh" {
				got = strings.Join(in.Argv[3:], " ")
			} else {
				got = strings.TrimPrefix(got, "iptables -w -I ")
			}
			if !strings.HasPrefix(got, tt.inject) {
				t.Errorf("injection arguments %q; want them to start with %q", got, tt.inject)
			}
			if undo := strings.Join(out.Argv[3:], " "); !strings.HasPrefix(undo, tt.undo) {
				t.Errorf("revert arguments %q; want them to start with %q", undo, tt.undo)
			}
		})
	}
	for _, want := range []string{"this kernel has no $kind qdisc", "modprobe sch_$kind"} {
		if !strings.Contains(replaceQdisc, want) {
			t.Errorf("the qdisc script does not explain a missing qdisc: lacks %q", want)
		}
	}
	for _, want := range []string{"mount -t cgroup -o net_cls", `> "$cg/cgroup.procs"`, `setsid sh -c "$loop"`, `iptables -w -I "$@"`} {
		if !strings.Contains(cutEdge, want) {
			t.Errorf("the edge cut lacks %q", want)
		}
	}
	for _, want := range []string{`kill "$(cat "$pidfile")"`, `while iptables -w -D "$@"`, `rmdir "$cg"`} {
		if !strings.Contains(uncutEdge, want) {
			t.Errorf("the edge revert lacks %q", want)
		}
	}
}

// powerNode is a node that can be powered off and on.
type powerNode struct {
	fakeNode
	started int
}

func (n *powerNode) Stop(context.Context, time.Duration) error { return nil }
func (n *powerNode) Start(context.Context) error               { n.started++; return nil }
func (n *powerNode) Running(context.Context) (bool, time.Time, error) {
	return n.started > 0, time.Time{}, nil
}

// TestRunRevertBootsNodes: a journaled reboot revert (as `harness cleanup`
// reads it back) boots the node, and runs in-node steps of other faults.
func TestRunRevertBootsNodes(t *testing.T) {
	t.Parallel()
	n := &powerNode{fakeNode: fakeNode{name: "cp", role: "control-plane"}}
	c := &clusters.Cluster{Nodes: []clusters.Node{n}}
	f, _ := build(rebootSpec, Common{Name: "r"}, &RebootParams{})
	rev, err := f.Plan(context.Background(), Env{Cluster: c})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(rev)
	var back Revert
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	back.Steps = append(back.Steps, Step{Node: "cp", Argv: []string{"true"}}, Step{Node: "gone", Argv: []string{"x"}})
	if err := RunRevert(context.Background(), c, back); err != nil {
		t.Fatal(err)
	}
	if n.started != 1 || len(n.ran) != 1 {
		t.Fatalf("started %d times, ran %v; want one boot and one command (none on the gone node)", n.started, n.ran)
	}
}
