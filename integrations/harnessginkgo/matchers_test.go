package harnessginkgo

import (
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/harness-dev/harness"
	"github.com/harness-dev/harness/assertions"
	"github.com/harness-dev/harness/reports"
)

func judgement(status assertions.Status) harness.Judgement {
	return harness.Judgement{Assertion: "kcm-lease-held", Timeline: "+12.0s kill-kcm.end", Verdict: assertions.Verdict{
		Status: status, SLO: time.Minute, Measured: 17 * time.Second, Measurable: status == assertions.Passed,
		Message: "lease kube-system/kube-controller-manager " + string(status)}}
}

func run(status assertions.Status) *harness.Result {
	return &harness.Result{Scenario: "kill-controller-manager", Assertions: []reports.Assertion{
		{Name: "kcm-lease-held", Type: "leaseHeld", From: "kill-kcm.end", Verdict: judgement(status).Verdict}}}
}

func TestPass(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		actual      any
		pass, later bool
		message     []string
	}{
		{"passed result", run(assertions.Passed), true, false, nil},
		{"failed result", run(assertions.Failed), false, false, []string{"kcm-lease-held", "lease kube-system/kube-controller-manager failed"}},
		{"passed judgement", judgement(assertions.Passed), true, false, nil},
		{"pending judgement", judgement(assertions.Pending), false, true, []string{"pending"}},
		{"failed judgement", judgement(assertions.Failed), false, false, []string{"kcm-lease-held failed", "SLO 1m0s", "measured nothing", "+12.0s kill-kcm.end"}},
	}
	for _, tt := range tests {
		m := Pass()
		got, err := m.Match(tt.actual)
		if err != nil || got != tt.pass {
			t.Errorf("%s: Match = %v, %v; want %v", tt.name, got, err, tt.pass)
		}
		if later := m.(passMatcher).MatchMayChangeInTheFuture(tt.actual); later != tt.later {
			t.Errorf("%s: MatchMayChangeInTheFuture = %v, want %v", tt.name, later, tt.later)
		}
		msg := m.FailureMessage(tt.actual)
		for _, w := range tt.message {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: failure message lacks %q:\n%s", tt.name, w, msg)
			}
		}
	}
	if _, err := Pass().Match("a string"); err == nil {
		t.Error("Match of a string: no error")
	}
}

// TestEventuallyStopsOnceDecided: Judged lets Eventually poll a pending
// judgement and stops it as soon as the verdict is decided, long before its
// timeout, with the verdict and timeline in the failure.
func TestEventuallyStopsOnceDecided(t *testing.T) {
	t.Parallel()
	var failure string
	g := gomega.NewGomega(func(message string, _ ...int) { failure = message })
	polls := 0
	start := time.Now()
	poll := stopWhenDecided(func() (harness.Judgement, error) {
		polls++
		if polls < 3 {
			return judgement(assertions.Pending), nil
		}
		return judgement(assertions.Failed), nil
	})
	g.Eventually(poll).WithTimeout(time.Minute).WithPolling(10 * time.Millisecond).Should(Pass())
	if polls != 3 || time.Since(start) > 30*time.Second {
		t.Fatalf("polled %d times in %s; want 3 polls and an early stop", polls, time.Since(start))
	}
	if !strings.Contains(failure, "kcm-lease-held failed") || !strings.Contains(failure, "+12.0s kill-kcm.end") {
		t.Fatalf("failure message: %q", failure)
	}
	failure = ""
	g.Eventually(stopWhenDecided(func() (harness.Judgement, error) { return judgement(assertions.Passed), nil })).Should(Pass())
	if failure != "" {
		t.Fatalf("passed judgement failed: %s", failure)
	}
}
