package harnessginkgo

import (
	"fmt"

	"github.com/onsi/ginkgo/v2"

	"github.com/harness-dev/harness"
)

// Report adds the measured values of a result or a judgement to the current
// spec's report entries, which Ginkgo writes into its JSON and JUnit
// reports: one entry per assertion, "harness NAME", valued
// "STATUS measured M SLO S".
func Report(actual any) {
	switch a := actual.(type) {
	case *harness.Result:
		for _, as := range a.Assertions {
			entry(as.Name, as.Verdict)
		}
	case harness.Judgement:
		entry(a.Assertion, a.Verdict)
	default:
		ginkgo.Fail(fmt.Sprintf("harnessginkgo.Report expects a *harness.Result or a harness.Judgement, got %T", actual))
	}
}

func entry(name string, v harness.Verdict) {
	ginkgo.AddReportEntry("harness "+name, fmt.Sprintf("%s measured %s SLO %s", v.Status, measured(v), v.SLO))
}
