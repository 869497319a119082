package qualify

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/clusters"
	"github.com/harness-dev/harness/clusters/kind"
	"github.com/harness-dev/harness/internal/result"
	"github.com/harness-dev/harness/internal/runner"
	"github.com/harness-dev/harness/internal/testenv"
	"github.com/harness-dev/harness/reports"
	"github.com/harness-dev/harness/scenarios"
)

const selfhealImage = "harness.dev/selfheal:dev"

// TestIntegrationQualify runs the suite on one cluster and checks every
// verdict. Environment: QUALIFY_ROUNDS (default 1), QUALIFY_STOCK=1 to add
// the stock control-plane scenarios, QUALIFY_ONLY (a regexp on scenario
// file names), QUALIFY_OUT (where table.md and the reports go; default a
// temporary directory).
func TestIntegrationQualify(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the qualification suite needs Docker and kind clusters")
	}
	testenv.RequireDocker(t)
	image := testenv.NodeImage(t)
	testenv.BuildImage(t, "test/images/selfheal", selfhealImage)
	entries := suiteEntries(t)
	out := os.Getenv("QUALIFY_OUT")
	if out == "" {
		out = t.TempDir()
	}
	p := kind.New(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), t.TempDir())
	c := sharedCluster(t, p, image)
	client, err := kind.Client(c.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	var runs []*result.Run
	for round := 1; round <= envInt(t, "QUALIFY_ROUNDS", 1); round++ {
		for _, e := range entries {
			r := runEntry(t, p, c.Name, client, e, filepath.Join(out, fmt.Sprintf("round-%d", round)))
			row := NewRow(round, e, r)
			t.Logf("round %d %s variant=%q: %s (%s) in %s", round, e.Scenario, e.Variant, row.Actual, row.Measured, r.Duration.Round(time.Second))
			if row.Problem != "" {
				t.Errorf("round %d %s variant=%q: %s; got %s: %s", round, e.Scenario, e.Variant, row.Problem, row.Actual, row.Measured)
			}
			rows, runs = append(rows, row), append(runs, r)
		}
	}
	var table bytes.Buffer
	WriteTable(&table, rows)
	t.Logf("qualification table:\n%s", table.String())
	if err := os.WriteFile(filepath.Join(out, "table.md"), table.Bytes(), 0o644); err != nil {
		t.Error(err)
	}
	if err := reports.WriteAll(out, runs); err != nil {
		t.Error(err)
	}
}

func suiteEntries(t *testing.T) []Entry {
	entries := Selfheal()
	if os.Getenv("QUALIFY_STOCK") == "1" {
		entries = append(entries, Stock()...)
	}
	if only := os.Getenv("QUALIFY_ONLY"); only != "" {
		re, err := regexp.Compile(only)
		if err != nil {
			t.Fatalf("QUALIFY_ONLY: %v", err)
		}
		var kept []Entry
		for _, e := range entries {
			if re.MatchString(e.Scenario + " " + e.Variant) {
				kept = append(kept, e)
			}
		}
		entries = kept
	}
	if len(entries) == 0 {
		t.Fatal("no suite entry selected; check QUALIFY_ONLY")
	}
	return entries
}

func sharedCluster(t *testing.T, p *kind.Provider, image string) *clusters.Cluster {
	ctx := context.Background()
	name := fmt.Sprintf("harness-qualify-%d", time.Now().Unix()%100000)
	t.Cleanup(func() {
		if err := p.Delete(context.Background(), name); err != nil {
			t.Errorf("delete cluster %s: %v", name, err)
		}
	})
	start := time.Now()
	c, err := p.Create(ctx, clusters.Spec{Name: name, NodeImage: image, LogDir: t.TempDir()})
	if err != nil {
		t.Fatalf("create cluster: %v", err)
	}
	t.Logf("cluster %s ready in %s", name, time.Since(start).Round(time.Second))
	return c
}

// runEntry runs one entry on the shared cluster, then deletes its namespace.
func runEntry(t *testing.T, p *kind.Provider, cluster string, client kubernetes.Interface, e Entry, out string) *result.Run {
	sc, err := scenarios.Load(filepath.Join(testenv.RepoRoot(t), "scenarios", e.Scenario))
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]string{}
	if e.Variant != "" {
		set["variant"] = e.Variant
	}
	params, err := sc.ResolveParams(set)
	if err != nil {
		t.Fatal(err)
	}
	seed := time.Now().UnixNano()
	r := runner.Run(context.Background(), sc, runner.Options{
		Provider: p, Cluster: cluster, ReportDir: out, JournalDir: t.TempDir(),
		Rand: rand.New(rand.NewSource(seed)), Seed: seed, Params: params,
		Timeout: 5 * time.Minute, Progress: os.Stdout,
	})
	if e.Namespace != "" {
		resetNamespace(t, client, e.Namespace)
	}
	return r
}

// resetNamespace deletes ns and waits until it is gone.
func resetNamespace(t *testing.T, client kubernetes.Interface, ns string) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := client.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		t.Fatalf("reset: delete namespace %s: %v", ns, err)
	}
	err := wait.PollUntilContextCancel(ctx, time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		return apierrors.IsNotFound(err), nil
	})
	if err != nil {
		t.Fatalf("reset: namespace %s still there after 3m: %v", ns, err)
	}
}

func envInt(t *testing.T, key string, def int) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: expected a positive number", key, v)
	}
	return n
}
