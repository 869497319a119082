package faults

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/harness-dev/harness/clusters"
)

// The audit: every fault of every stock and fixture scenario is planned and
// injected against fake nodes that record each command, and no string of
// the scenario may appear in the text of a shell script (argv[2] of sh -c)
// or as an option (an argument starting with '-'). Values reach commands as
// arguments only. The one documented exception is the hook of
// rebuild-static-pods, a shell command by design (docs/security.md).

// auditFiles are the scenarios audited: the stock ones, the valid fixtures
// and the legal hostile inputs.
func auditFiles(t *testing.T) []string {
	var files []string
	for _, glob := range []string{"../scenarios/*.yaml", "../scenarios/testdata/valid/*.yaml"} {
		m, _ := filepath.Glob(glob)
		files = append(files, m...)
	}
	files = append(files, "../scenarios/testdata/bad-input/81-yes-bool.yaml", "../scenarios/testdata/bad-input/87-hook-dangerous.yaml")
	if len(files) < 15 {
		t.Fatalf("audit files: %v", files)
	}
	return files
}

// auditFault is a fault entry as a scenario writes it.
type auditFault struct {
	Name     string    `yaml:"name"`
	Type     string    `yaml:"type"`
	Target   Target    `yaml:"target"`
	Params   yaml.Node `yaml:"params"`
	Duration string    `yaml:"duration"`
}

// recorder is a node that records what runs in it and answers reads of
// manifests and certificates as a kind node would.
type recorder struct {
	name, role string
	pki        testPKI
	mu         sync.Mutex
	argv       [][]string
}

func (n *recorder) Name() string { return n.name }
func (n *recorder) Role() string { return n.role }
func (n *recorder) Stop(context.Context, time.Duration) error {
	n.record("stop-node")
	return nil
}

func (n *recorder) Start(context.Context) error {
	n.record("start-node")
	return nil
}

func (n *recorder) Running(context.Context) (bool, time.Time, error) {
	return true, time.Time{}, nil
}

func (n *recorder) record(argv ...string) {
	n.mu.Lock()
	n.argv = append(n.argv, argv)
	n.mu.Unlock()
}

func (n *recorder) Exec(_ context.Context, stdin io.Reader, argv ...string) ([]byte, error) {
	if stdin != nil {
		_, _ = io.Copy(io.Discard, stdin)
	}
	n.record(argv...)
	if len(argv) == 3 && argv[0] == "cat" {
		switch path := argv[2]; {
		case strings.HasPrefix(path, manifestDir):
			return []byte(schedulerManifest), nil
		case strings.HasSuffix(path, "ca.key"):
			return n.pki.caKey, nil
		case strings.HasSuffix(path, "ca.crt"):
			return n.pki.caCert, nil
		case strings.HasSuffix(path, ".crt"):
			return n.pki.leaf, nil
		case strings.HasSuffix(path, ".pem"): // the kubelet's client certificate and key
			return append(append([]byte{}, n.pki.leaf...), n.pki.leafKeyPEM()...), nil
		}
	}
	if len(argv) == 4 && argv[0] == "readlink" {
		return []byte(argv[3] + "\n"), nil
	}
	if len(argv) > 2 && argv[0] == "sh" && strings.Contains(argv[2], "basename") {
		return []byte("cni-1234\n"), nil // a Pod's network namespace
	}
	return []byte("101\n"), nil
}

func TestAuditNoScenarioStringReachesAShell(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	audited := map[string]int{}
	for _, file := range auditFiles(t) {
		var doc struct {
			Faults []auditFault `yaml:"faults"`
		}
		data := readFile(t, file)
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, af := range doc.Faults {
			t.Run(filepath.Base(file)+"/"+af.Name, func(t *testing.T) {
				argv, strs := auditOne(t, af, pki)
				audited[af.Type]++
				for _, a := range argv {
					checkArgv(t, a, strs[1:])
				}
				// The name is in iptables comments and file names; a name
				// that is also a shell word (a fault called kill) must not
				// change any script: the scripts of a renamed copy are the
				// same.
				renamed := af
				renamed.Name = "audit-renamed"
				again, _ := auditOne(t, renamed, pki)
				if a, b := scripts(argv), scripts(again); a != b {
					t.Errorf("the fault's name changes its scripts:\n%s\n---\n%s", a, b)
				}
			})
		}
	}
	for _, typ := range Types() {
		if audited[typ] == 0 {
			t.Errorf("no scenario audits fault type %s; add one to scenarios/testdata/valid", typ)
		}
	}
}

// auditOne builds, plans and injects one fault, and returns every command
// it ran or would run to revert, with the scenario's strings it was given.
func auditOne(t *testing.T, af auditFault, pki testPKI) ([][]string, []string) {
	spec, ok := Lookup(af.Type)
	if !ok {
		t.Fatalf("fault type %s", af.Type)
	}
	var params any
	if spec.NewParams != nil {
		params = spec.NewParams()
		if af.Params.Kind != 0 {
			if err := af.Params.Decode(params); err != nil {
				t.Fatal(err)
			}
		}
	}
	d, _ := time.ParseDuration(af.Duration)
	f, errs := spec.Build(Common{Name: af.Name, Target: af.Target, Duration: min(d, time.Second)}, params)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	// Three control planes (the HA scenarios name control-plane2 and 3)
	// and one worker; the kube-controller-manager Lease is held on the
	// second (the leader: targets).
	var all []*recorder
	var nodes []clusters.Node
	for _, n := range []struct{ name, role string }{{"harness-x-control-plane", clusters.RoleControlPlane},
		{"harness-x-control-plane2", clusters.RoleControlPlane}, {"harness-x-control-plane3", clusters.RoleControlPlane},
		{"harness-x-worker", clusters.RoleWorker}} {
		r := &recorder{name: n.name, role: n.role, pki: pki}
		all, nodes = append(all, r), append(nodes, r)
	}
	holder := "harness-x-control-plane2_0c6e8f1a"
	objects := append(pods(af.Target), &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: "kube-controller-manager", Namespace: "kube-system"},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: &holder}})
	env := Env{Cluster: &clusters.Cluster{Name: "harness-x", Nodes: nodes},
		Client: fake.NewClientset(objects...), RunID: "x-abc123", Log: discardLog()}
	if dc, ok := f.(*deleteCRDs); ok {
		dc.client = func(*clusters.Cluster) (dynamic.Interface, error) { return crdClient(dc.p), nil }
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rev, err := f.Plan(ctx, env)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if err := f.Inject(ctx, env); err != nil {
		t.Fatalf("inject: %v", err)
	}
	time.Sleep(10 * time.Millisecond) // a hook starts in the background
	var argv [][]string
	for _, n := range all {
		n.mu.Lock()
		argv = append(argv, n.argv...)
		n.mu.Unlock()
	}
	for _, s := range rev.Steps {
		argv = append(argv, s.Argv)
	}
	if len(argv) == 0 && af.Type != "delete-crds" {
		t.Fatalf("fault %s ran no command", af.Name)
	}
	return argv, scenarioStrings(af, params)
}

// scenarioStrings are the strings a scenario gives a fault: its name
// (first), target and params, except the hook.
func scenarioStrings(af auditFault, params any) []string {
	out := []string{af.Name}
	var walk func(v reflect.Value, field string)
	walk = func(v reflect.Value, field string) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem(), field)
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				walk(v.Field(i), v.Type().Field(i).Name)
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i), field)
			}
		case reflect.String:
			if v.String() != "" && field != "Hook" {
				out = append(out, v.String())
			}
		}
	}
	walk(reflect.ValueOf(af.Target), "")
	if params != nil {
		walk(reflect.ValueOf(params), "")
	}
	return out
}

// scripts are the texts of the shell scripts among argv.
func scripts(argv [][]string) string {
	var out []string
	for _, a := range argv {
		if len(a) > 2 && a[0] == "sh" && a[1] == "-c" {
			out = append(out, a[2])
		}
	}
	return strings.Join(out, "\n---\n")
}

// checkArgv fails when a scenario string is in a script's text or stands
// as an option.
func checkArgv(t *testing.T, argv []string, strs []string) {
	t.Helper()
	if len(argv) > 2 && argv[0] == "sh" && argv[1] == "-c" {
		for _, s := range strs {
			if containsWord(argv[2], s) {
				t.Errorf("scenario string %q is in the text of a shell script:\n%s", s, argv[2])
			}
		}
	}
	endOfOptions := false
	for i, a := range argv {
		if a == "--" {
			endOfOptions = true
		}
		for _, s := range strs {
			if i > 0 && !endOfOptions && strings.HasPrefix(a, "-") && strings.Contains(a, s) {
				t.Errorf("scenario string %q stands as an option: %q", s, argv)
			}
		}
	}
}

// containsWord tells whether s is in text with no letter, digit, '-', '_'
// or '.' on either side (so "etcd" is not found in "etcdctl", nor "kill"
// of a fault name in the word "kill" itself: that one is reported).
func containsWord(text, s string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], s)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(s)
		if (start == 0 || !wordByte(text[start-1])) && (end == len(text) || !wordByte(text[end])) {
			return true
		}
		i = start + 1
	}
}

func wordByte(b byte) bool {
	return b == '-' || b == '_' || b == '.' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// pods are running Pods chosen by a target's namespace and selector.
func pods(tg Target) []runtime.Object {
	if tg.Selector == "" {
		return nil
	}
	set, err := labels.ConvertSelectorToLabelsMap(tg.Selector)
	if err != nil {
		return nil
	}
	name := tg.Container
	if name == "" {
		name = "main"
	}
	return []runtime.Object{&corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p1", Namespace: tg.Namespace, Labels: set},
		Spec:       corev1.PodSpec{NodeName: "harness-x-worker"},
		Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{Name: name, ContainerID: "containerd://abc123",
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}},
	}}
}

// crdClient serves the CRDs a delete-crds fault names.
func crdClient(p DeleteCRDsParams) dynamic.Interface {
	var objs []runtime.Object
	for _, name := range p.Names {
		crd := testCRD()
		crd.SetName(name)
		plural, group, _ := strings.Cut(name, ".")
		crd.Object["spec"].(map[string]any)["group"] = group
		crd.Object["spec"].(map[string]any)["names"] = map[string]any{"plural": plural, "kind": "Thing"}
		objs = append(objs, crd)
	}
	if p.Selector != "" {
		crd := testCRD()
		set, _ := labels.ConvertSelectorToLabelsMap(p.Selector)
		crd.SetLabels(set)
		objs = append(objs, crd)
	}
	kinds := map[schema.GroupVersionResource]string{crdGVR: "CustomResourceDefinitionList"}
	for _, o := range objs {
		spec := o.(interface{ UnstructuredContent() map[string]any }).UnstructuredContent()["spec"].(map[string]any)
		plural := spec["names"].(map[string]any)["plural"].(string)
		kinds[schema.GroupVersionResource{Group: spec["group"].(string), Version: "v1", Resource: plural}] = fmt.Sprintf("%sList", plural)
	}
	return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), kinds, objs...)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }
