package faults

import (
	"context"
	"fmt"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/harness-dev/harness/clusters"
)

// rejectCounter is the apiserver counter that counts the refusals of one
// mode's objects, and the label that names the object. Sources: the
// apiserver's metrics (k8s.io/apiserver: admission/plugin/policy/validating/
// metrics, admission/metrics, util/flowcontrol/metrics).
var rejectCounter = map[string]struct{ metric, label string }{
	"deny":        {"apiserver_validating_admission_policy_check_total", "policy"},
	"unavailable": {"apiserver_admission_webhook_rejection_count", "name"},
	"throttle":    {"apiserver_flowcontrol_rejected_requests_total", "flow_schema"},
}

// apiserverMetrics: no arguments. Prints the metrics of the node's own
// apiserver (not the load balancer's choice), read as the cluster admin.
const apiserverMetrics = `exec kubectl --kubeconfig /etc/kubernetes/admin.conf --server https://127.0.0.1:6443 get --raw /metrics`

// Evidence: the apiserver counted refusals by the fault's own objects
// (its policy, webhook or FlowSchema, unique to the run and fault) by the
// end of the window, summed over the control-plane nodes' apiservers. A
// rule that matched no request of the client refuses nothing and counts
// nothing. For deny, a check that did not deny (enforcement_action other
// than deny) does not count.
func (f *reject) Evidence(ctx context.Context, env Env) Evidence {
	c := rejectCounter[f.p.Mode]
	want := f.name
	if f.p.Mode == "unavailable" {
		want = strings.TrimPrefix(f.name, "harness-") + ".unavailable.harness.dev"
	}
	return poll(ctx, func() (Evidence, bool) {
		total, err := 0.0, error(nil)
		for _, n := range env.Cluster.Nodes {
			if n.Role() != clusters.RoleControlPlane {
				continue
			}
			out, xerr := n.Exec(ctx, nil, script(apiserverMetrics)...)
			if xerr != nil {
				err = xerr
				continue
			}
			k, perr := countSamples(out, c.metric, c.label, want, f.p.Mode == "deny")
			if perr != nil {
				err = perr
			}
			total += k
		}
		switch {
		case total > 0:
			return took("the apiservers counted %.0f refusals by %s (%s{%s=%q})", total, want, c.metric, c.label, want), true
		case err != nil:
			return missing("could not read the apiservers' %s: %v", c.metric, err), false
		}
		return missing("the apiservers counted no refusal by %s (%s{%s=%q} is 0 or absent): no request of %s matched its verbs and resources",
			want, c.metric, c.label, want, f.p.username()), false
	})
}

// countSamples sums the samples of metric whose label is value in a
// Prometheus text exposition; onlyDeny keeps those whose
// enforcement_action is deny.
func countSamples(text []byte, metric, label, value string, onlyDeny bool) (float64, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(string(text)))
	if err != nil {
		return 0, fmt.Errorf("parse the apiserver's metrics: %w", err)
	}
	fam, ok := fams[metric]
	if !ok {
		return 0, nil
	}
	total := 0.0
	for _, m := range fam.GetMetric() {
		if labelOf(m, label) != value || (onlyDeny && labelOf(m, "enforcement_action") != "deny") {
			continue
		}
		total += m.GetCounter().GetValue() + m.GetUntyped().GetValue() // untyped: an exposition without # TYPE
	}
	return total, nil
}

func labelOf(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}
