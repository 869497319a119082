package faults

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	flowcontrolv1 "k8s.io/api/flowcontrol/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"
)

// rejectPrecedence is the FlowSchema's matchingPrecedence: ahead of every
// suggested FlowSchema of API Priority and Fairness but exempt (1) and
// probes (2), so the chosen client's requests land in the fault's level.
// Members of system:masters always match exempt first and cannot be
// throttled.
const rejectPrecedence = 3

// unavailableURL is where the failing webhook points: the apiserver's own
// loopback (its host network) on the discard port, where nothing listens,
// so every call fails at once with "connection refused".
const unavailableURL = "https://127.0.0.1:9/harness-unavailable"

// manifest renders the fault's objects as a YAML stream for kubectl.
func (f *reject) manifest(name, tag string) ([]byte, error) {
	meta := metav1.ObjectMeta{Name: name, Labels: map[string]string{"harness.dev/fault": f.c.Name},
		Annotations: map[string]string{"harness.dev/run": tag}}
	var objs []any
	switch f.p.Mode {
	case "deny":
		objs = f.denyObjects(meta)
	case "unavailable":
		objs = f.webhookObjects(meta)
	case "throttle":
		objs = f.throttleObjects(meta)
	}
	var buf bytes.Buffer
	for _, o := range objs {
		data, err := yaml.Marshal(o)
		if err != nil {
			return nil, fmt.Errorf("render %s objects: %w", f.p.Mode, err)
		}
		buf.WriteString("---\n")
		buf.Write(data)
	}
	return buf.Bytes(), nil
}

// clientCondition is the CEL match condition on the client: the user name
// has been checked to need no quoting (userRE).
func (f *reject) clientCondition() []admissionv1.MatchCondition {
	return []admissionv1.MatchCondition{{Name: "harness-client",
		Expression: fmt.Sprintf("request.userInfo.username == '%s'", f.p.username())}}
}

// operations maps the verbs onto admission operations (patch is an UPDATE,
// deletecollection a DELETE of each object).
func (f *reject) operations() []admissionv1.OperationType {
	var ops []admissionv1.OperationType
	add := func(op admissionv1.OperationType) {
		if !slices.Contains(ops, op) {
			ops = append(ops, op)
		}
	}
	for _, v := range f.p.Verbs {
		switch v {
		case "create":
			add(admissionv1.Create)
		case "update", "patch":
			add(admissionv1.Update)
		case "delete", "deletecollection":
			add(admissionv1.Delete)
		}
	}
	return ops
}

// byGroup groups the resources by API group, for rules.
func (f *reject) byGroup() (groups []string, resources map[string][]string) {
	resources = map[string][]string{}
	for _, r := range f.resources {
		if _, ok := resources[r.group]; !ok {
			groups = append(groups, r.group)
		}
		resources[r.group] = append(resources[r.group], r.resource)
	}
	return groups, resources
}

func (f *reject) admissionRules() []admissionv1.RuleWithOperations {
	groups, resources := f.byGroup()
	var out []admissionv1.RuleWithOperations
	for _, g := range groups {
		out = append(out, admissionv1.RuleWithOperations{Operations: f.operations(), Rule: admissionv1.Rule{
			APIGroups: []string{g}, APIVersions: []string{"*"}, Resources: resources[g], Scope: ptr.To(admissionv1.AllScopes)}})
	}
	return out
}

func (f *reject) denyObjects(meta metav1.ObjectMeta) []any {
	var rules []admissionv1.NamedRuleWithOperations
	for _, r := range f.admissionRules() {
		rules = append(rules, admissionv1.NamedRuleWithOperations{RuleWithOperations: r})
	}
	reason := metav1.StatusReason(f.p.Reason)
	policy := &admissionv1.ValidatingAdmissionPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicy"},
		ObjectMeta: meta,
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy:    ptr.To(admissionv1.Fail),
			MatchConstraints: &admissionv1.MatchResources{ResourceRules: rules},
			MatchConditions:  f.clientCondition(),
			Validations:      []admissionv1.Validation{{Expression: "false", Message: f.p.Message, Reason: &reason}},
		},
	}
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicyBinding"},
		ObjectMeta: meta,
		Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{PolicyName: meta.Name,
			ValidationActions: []admissionv1.ValidationAction{admissionv1.Deny}},
	}
	// kubectl applies and deletes in this order: the binding names a policy
	// that exists when it is created; a binding left for a moment after its
	// policy was deleted refuses nothing.
	return []any{policy, binding}
}

func (f *reject) webhookObjects(meta metav1.ObjectMeta) []any {
	return []any{&admissionv1.ValidatingWebhookConfiguration{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingWebhookConfiguration"},
		ObjectMeta: meta,
		Webhooks: []admissionv1.ValidatingWebhook{{
			Name:                    strings.TrimPrefix(meta.Name, "harness-") + ".unavailable.harness.dev",
			ClientConfig:            admissionv1.WebhookClientConfig{URL: ptr.To(unavailableURL)},
			Rules:                   f.admissionRules(),
			MatchConditions:         f.clientCondition(),
			FailurePolicy:           ptr.To(admissionv1.Fail),
			SideEffects:             ptr.To(admissionv1.SideEffectClassNone),
			AdmissionReviewVersions: []string{"v1"},
			TimeoutSeconds:          ptr.To(int32(2)),
		}},
	}}
}

func (f *reject) throttleObjects(meta metav1.ObjectMeta) []any {
	level := &flowcontrolv1.PriorityLevelConfiguration{
		TypeMeta:   metav1.TypeMeta{APIVersion: "flowcontrol.apiserver.k8s.io/v1", Kind: "PriorityLevelConfiguration"},
		ObjectMeta: meta,
		Spec: flowcontrolv1.PriorityLevelConfigurationSpec{Type: flowcontrolv1.PriorityLevelEnablementLimited,
			Limited: &flowcontrolv1.LimitedPriorityLevelConfiguration{
				NominalConcurrencyShares: ptr.To(int32(0)), LendablePercent: ptr.To(int32(0)),
				BorrowingLimitPercent: ptr.To(int32(0)),
				LimitResponse:         flowcontrolv1.LimitResponse{Type: flowcontrolv1.LimitResponseTypeReject},
			}},
	}
	subject := flowcontrolv1.Subject{Kind: flowcontrolv1.SubjectKindUser, User: &flowcontrolv1.UserSubject{Name: f.p.User}}
	if f.p.ServiceAccount != "" {
		ns, name, _ := strings.Cut(f.p.ServiceAccount, "/")
		subject = flowcontrolv1.Subject{Kind: flowcontrolv1.SubjectKindServiceAccount,
			ServiceAccount: &flowcontrolv1.ServiceAccountSubject{Namespace: ns, Name: name}}
	}
	groups, resources := f.byGroup()
	var rules []flowcontrolv1.ResourcePolicyRule
	for _, g := range groups {
		rules = append(rules, flowcontrolv1.ResourcePolicyRule{Verbs: f.p.Verbs, APIGroups: []string{g},
			Resources: resources[g], ClusterScope: true, Namespaces: []string{flowcontrolv1.NamespaceEvery}})
	}
	schema := &flowcontrolv1.FlowSchema{
		TypeMeta:   metav1.TypeMeta{APIVersion: "flowcontrol.apiserver.k8s.io/v1", Kind: "FlowSchema"},
		ObjectMeta: meta,
		Spec: flowcontrolv1.FlowSchemaSpec{
			PriorityLevelConfiguration: flowcontrolv1.PriorityLevelConfigurationReference{Name: meta.Name},
			MatchingPrecedence:         rejectPrecedence,
			DistinguisherMethod:        &flowcontrolv1.FlowDistinguisherMethod{Type: flowcontrolv1.FlowDistinguisherMethodByUserType},
			Rules:                      []flowcontrolv1.PolicyRulesWithSubjects{{Subjects: []flowcontrolv1.Subject{subject}, ResourceRules: rules}},
		},
	}
	return []any{level, schema}
}
