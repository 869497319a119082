// Package ginkgo_test is an example Ginkgo v2 / Gomega suite that uses the
// harness: one kind cluster for the suite, a stock scenario that fails for a
// broken component and passes for a fixed one, and a spec that injects a
// fault itself and waits for recovery with Eventually. It runs in
// `make test` (and alone with `make examples`).
package ginkgo_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	. "github.com/onsi/gomega"

	"github.com/harness-dev/harness"
	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/faults"
	"github.com/harness-dev/harness/integrations/harnessginkgo"
	"github.com/harness-dev/harness/internal/testenv"
)

const selfhealImage = "harness.dev/selfheal:dev"

var cluster *harness.Cluster

func TestIntegrationGinkgoExample(t *testing.T) {
	testenv.RequireDocker(t)
	testenv.BuildImage(t, "test/images/selfheal", selfhealImage)
	RegisterFailHandler(Fail)
	RunSpecs(t, "harness Ginkgo example")
}

var _ = BeforeSuite(func(ctx SpecContext) {
	var err error
	cluster, err = harness.CreateCluster(ctx, harness.ClusterOptions{
		NodeImage: os.Getenv("HARNESS_NODE_IMAGE"), Images: []string{selfhealImage}})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func(ctx SpecContext) error { return cluster.Delete(ctx) })
}, NodeTimeout(6*time.Minute))

// runSupervisor runs the stock scenario on the suite's cluster, after
// resetting its namespace.
func runSupervisor(ctx context.Context, variant string) *harness.Result {
	Expect(cluster.DeleteNamespace(ctx, "selfheal-supervisor")).To(Succeed())
	sc, err := harness.LoadScenario(filepath.Join("..", "..", "scenarios", "selfheal-supervisor.yaml"))
	Expect(err).NotTo(HaveOccurred())
	res, err := harness.Run(ctx, sc, harness.Options{Cluster: cluster, Params: map[string]string{"variant": variant},
		Progress: GinkgoWriter})
	Expect(err).NotTo(HaveOccurred())
	harnessginkgo.Report(res)
	return res
}

var _ = Describe("a supervisor whose controller child exits when it loses its lease", Label("e2e"), func() {
	It("fails when nothing restarts the child (bug)", func(ctx SpecContext) {
		res := runSupervisor(ctx, "bug")
		Expect(res).NotTo(harnessginkgo.Pass())
		Expect(harness.Describe(res)).To(ContainSubstring("lease selfheal-supervisor/selfheal-supervisor not held within 1m0s"))
	}, SpecTimeout(8*time.Minute))

	It("passes when a liveness probe restarts it (fixed)", func(ctx SpecContext) {
		Expect(runSupervisor(ctx, "fixed")).To(harnessginkgo.Pass())
	}, SpecTimeout(8*time.Minute))
})

var _ = Describe("the stock controller-manager", Label("e2e"), func() {
	It("leads again within 90s after a SIGKILL, and a Pod is creatable within 60s", func(ctx SpecContext) {
		rec, err := cluster.Record(ctx)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(rec.Stop)
		held := harness.Assertion{Name: "kcm-lease-held", Type: "leaseHeld", From: "kill-kcm.end", Within: 90 * time.Second,
			Params: &assertions.LeaseHeldParams{Lease: "kube-system/kube-controller-manager"}}
		creatable := harness.Assertion{Name: "pods-creatable", Type: "podsCreatable", From: "kill-kcm.end", Within: 60 * time.Second,
			Params: &assertions.PodsCreatableParams{Replicas: 2}}
		// The probe Deployment is scaled up when the mark kill-kcm.end is recorded.
		Expect(rec.Probe(ctx, creatable)).To(Succeed())
		revert, err := cluster.Inject(ctx, harness.Fault{Name: "kill-kcm", Type: "kill",
			Target: faults.Target{Component: "kube-controller-manager"}})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx SpecContext) error { return revert(ctx) })
		Expect(revert(ctx)).To(Succeed()) // an instant fault: its end is now
		rec.Mark("kill-kcm.end")
		Eventually(harnessginkgo.Judged(rec, creatable)).WithTimeout(2 * time.Minute).Should(harnessginkgo.Pass())
		Eventually(harnessginkgo.Judged(rec, held)).WithTimeout(2 * time.Minute).Should(harnessginkgo.Pass())
		for _, a := range []harness.Assertion{creatable, held} {
			j, err := rec.Judge(a)
			Expect(err).NotTo(HaveOccurred())
			harnessginkgo.Report(j)
		}
	}, SpecTimeout(5*time.Minute))
})

// Ginkgo's own JUnit report carries the harness's measured values, as
// testcase properties "harness NAME".
var _ = ReportAfterSuite("the harness's values in Ginkgo's JUnit", func(r Report) {
	dir := os.Getenv("HARNESS_ARTIFACTS")
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, "ginkgo-example-junit.xml")
	Expect(reporters.GenerateJUnitReport(r, path)).To(Succeed())
	data, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	for _, name := range []string{"harness controller-leads-again", "harness kcm-lease-held", "harness pods-creatable"} {
		Expect(string(data)).To(ContainSubstring(`name="`+name+`"`), "in %s", path)
	}
})
