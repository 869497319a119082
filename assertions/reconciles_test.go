package assertions

import (
	"strings"
	"testing"
)

var reconcileWeb = &ReconcilesParams{
	Manifest: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web", "namespace": "default"}, "spec": map[string]any{"replicas": 1}},
	Expression: "object.status.availableReplicas >= 1",
}

func TestReconcilesSLO(t *testing.T) {
	t.Parallel()
	c := Common{Name: "web", From: "kill.end", Within: s(30)}
	runVerdicts(t, "reconciles", c, reconcileWeb, []verdictCase{
		{"reconciled within the SLO passes, measured from the moment", new(tl).mark(10, "kill.end").mark(11, "probe/web").
			deployment(11.5, "web", -1).deployment(19, "web", 1), 20, Passed,
			[]string{"Deployment default/web (object.status.availableReplicas >= 1) after applying Deployment web reconciled 9.0s after kill.end (SLO 30s)"}},
		// A controller that holds its lease but does nothing: the object is
		// created, its status never follows.
		{"never reconciled fails", new(tl).mark(10, "kill.end").mark(11, "probe/web").deployment(11.5, "web", -1), 46, Failed,
			[]string{"not reconciled within 30s after kill.end (last seen: Deployment default/web: no such key: availableReplicas)"}},
		{"a state from before the apply does not count", new(tl).deployment(5, "web", 1).mark(10, "kill.end").deployment(10.5, "web", 1).
			mark(11, "probe/web").deployment(11.5, "web", -1), 46, Failed, nil},
		// The watch saw the object before the apiserver's answer arrived:
		// it counts from the start of the apply.
		{"observed before the apply's answer, never reconciled", new(tl).mark(10, "kill.end").mark(10.2, "probe/web.applying").
			deployment(10.3, "web", -1).mark(10.4, "probe/web"), 46, Failed, []string{"last seen: Deployment default/web: no such key: availableReplicas"}},
		{"observed before the apply's answer, reconciled", new(tl).mark(10, "kill.end").mark(10.2, "probe/web.applying").
			deployment(10.3, "web", 1).mark(10.4, "probe/web"), 11, Passed, []string{"reconciled 0.3s after kill.end"}},
		{"not applied by the deadline fails", new(tl).mark(10, "kill.end"), 41, Failed, []string{"the harness could not apply Deployment web"}},
		{"pending before the apply", new(tl).mark(10, "kill.end"), 20, Pending, []string{"not applied yet"}},
	})
}

func TestReconcilesInvariant(t *testing.T) {
	t.Parallel()
	c := Common{Name: "web", From: "pause.start", Until: "pause.end"}
	runVerdicts(t, "reconciles", c, reconcileWeb, []verdictCase{
		{"reconciled and held passes", new(tl).mark(10, "pause.start").mark(10.5, "probe/web").deployment(11, "web", -1).deployment(15, "web", 1).
			mark(40, "pause.end"), 46, Passed, []string{"reconciled 5.0s after pause.start and held until pause.end"}},
		{"reconciled then violated fails with its time", new(tl).mark(10, "pause.start").mark(10.5, "probe/web").deployment(15, "web", 1).
			deployment(30, "web", 0), 31, Failed, []string{"held 5.0s after pause.start, then was violated 20.0s after pause.start"}},
		{"never reconciled in the window fails", new(tl).mark(10, "pause.start").mark(10.5, "probe/web").deployment(11, "web", -1).mark(40, "pause.end"), 46, Failed,
			[]string{"never held in the window pause.start to pause.end"}},
	})
}

func TestReconcilesOtherObjectAndWatches(t *testing.T) {
	t.Parallel()
	p := &ReconcilesParams{Manifest: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "in"}},
		Object:     &ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "web"},
		Expression: "object.status.availableReplicas >= 1"}
	a := build(t, "reconciles", Common{Name: "web", From: "x", Within: s(10)}, p)
	w := a.(Watcher).Watches()
	if len(w) != 2 || w[0].GVK.Kind != "ConfigMap" || w[1].GVK.Kind != "Deployment" || w[1].Namespace != "default" {
		t.Fatalf("watches %+v, want the ConfigMap's and the Deployment's kinds", w)
	}
	if ap := a.(Prober).Probe().Apply; ap.Name != "in" || ap.GVK.Version != "v1" || !strings.Contains(string(ap.Object), `"kind":"ConfigMap"`) {
		t.Fatalf("apply probe %+v", ap)
	}
	for _, tt := range []struct {
		p    ReconcilesParams
		want string
	}{
		{ReconcilesParams{Expression: "true"}, "params.manifest: Required value"},
		{ReconcilesParams{Manifest: map[string]any{"kind": "ConfigMap", "metadata": map[string]any{"name": "x"}}, Expression: "true"}, "params.manifest"},
		{ReconcilesParams{Manifest: map[string]any{"apiVersion": "v1", "kind": "ConfigMap"}, Expression: "true"}, "params.manifest.metadata.name: Required value"},
		{ReconcilesParams{Manifest: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "x"}}, Expression: "object."}, "params.expression"},
	} {
		_, errs := reconcilesSpec.New(Common{Name: "x", From: "a", Within: s(1)}, &tt.p)
		if err := errs.ToAggregate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("params %+v: error %v, want %q", tt.p, err, tt.want)
		}
	}
}
