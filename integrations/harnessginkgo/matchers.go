// Package harnessginkgo lets Ginkgo v2 / Gomega suites use the harness: a
// Pass matcher for results and judgements (with the recorded timeline in
// its failure message, and early exit from Eventually once a verdict is
// decided) and Report, which puts the measured values into Ginkgo's report
// (and so its JUnit output).
//
//	rec, _ := cluster.Record(ctx)
//	DeferCleanup(rec.Stop)
//	revert, err := cluster.Inject(ctx, harness.Fault{Name: "kill-kcm", Type: "kill",
//		Target: faults.Target{Component: "kube-controller-manager"}})
//	Expect(err).NotTo(HaveOccurred())
//	DeferCleanup(func(ctx SpecContext) error { return revert(ctx) })
//	rec.Mark("kill-kcm.end")
//	Eventually(harnessginkgo.Judged(rec, leaseHeld)).
//		WithTimeout(2 * time.Minute).Should(harnessginkgo.Pass())
package harnessginkgo

import (
	"fmt"
	"strings"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/harness-dev/harness"
	"github.com/harness-dev/harness/assertions"
)

// Judged polls an assertion over a recording, for Eventually: it returns
// the judgement while it is pending or passed, and stops Eventually at once
// (gomega.StopTrying, with the verdict and the timeline) when the verdict
// is decided as failed or the assertion is invalid.
func Judged(rec *harness.Recording, a harness.Assertion) func() (harness.Judgement, error) {
	return stopWhenDecided(func() (harness.Judgement, error) { return rec.Judge(a) })
}

func stopWhenDecided(judge func() (harness.Judgement, error)) func() (harness.Judgement, error) {
	return func() (harness.Judgement, error) {
		j, err := judge()
		switch {
		case err != nil:
			return j, gomega.StopTrying(err.Error())
		case j.Status == assertions.Failed:
			return j, gomega.StopTrying("the verdict is decided:\n" + describe(j))
		}
		return j, nil
	}
}

// Pass succeeds for a *harness.Result that passed and for a
// harness.Judgement whose verdict is passed; its failure message shows the
// verdicts and the recorded timeline. Polled on a value, Eventually stops
// once a judgement is decided; polled on a function, use Judged.
func Pass() types.GomegaMatcher { return passMatcher{} }

type passMatcher struct{}

func (passMatcher) Match(actual any) (bool, error) {
	switch a := actual.(type) {
	case *harness.Result:
		if a == nil {
			return false, fmt.Errorf("Pass: nil *harness.Result")
		}
		return a.Passed(), nil
	case harness.Judgement:
		return a.Status == assertions.Passed, nil
	}
	return false, fmt.Errorf("Pass expects a *harness.Result or a harness.Judgement, got %T", actual)
}

func (passMatcher) FailureMessage(actual any) string {
	return "expected to pass, but:\n" + describe(actual)
}

func (passMatcher) NegatedFailureMessage(actual any) string {
	return "expected not to pass, but:\n" + describe(actual)
}

// MatchMayChangeInTheFuture tells Eventually to stop once a judgement is
// decided: a failed SLO does not pass later.
func (passMatcher) MatchMayChangeInTheFuture(actual any) bool {
	j, ok := actual.(harness.Judgement)
	return ok && j.Status == assertions.Pending
}

func describe(actual any) string {
	switch a := actual.(type) {
	case *harness.Result:
		if a != nil {
			return indent(harness.Describe(a))
		}
	case harness.Judgement:
		return indent(fmt.Sprintf("%s %s: %s (SLO %s, measured %s)\ntimeline:\n%s",
			a.Assertion, a.Status, a.Message, a.SLO, measured(a.Verdict), a.Timeline))
	}
	return fmt.Sprintf("    %#v", actual)
}

func measured(v harness.Verdict) string {
	if !v.Measurable {
		return "nothing"
	}
	return v.Measured.String()
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
