package faults

import (
	"context"
	"fmt"
	"hash/fnv"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// RejectParams are the parameters of the reject-requests fault.
type RejectParams struct {
	Mode           string   `yaml:"mode" doc:"deny (a ValidatingAdmissionPolicy refuses the writes: 403, or reason's code), unavailable (an admission webhook that cannot be called: 500 InternalError on the writes), throttle (an API Priority and Fairness level with no seats: one request at a time proceeds, concurrent ones get 429, any verb)"`
	User           string   `yaml:"user" doc:"the client's user name as the apiserver authenticates it, e.g. system:kube-controller-manager (or serviceAccount)"`
	ServiceAccount string   `yaml:"serviceAccount" doc:"the client's ServiceAccount, NAMESPACE/NAME (or user)"`
	Verbs          []string `yaml:"verbs" doc:"verbs refused: create, update, patch, delete, deletecollection; throttle also get, list, watch (default: every verb the mode can refuse)"`
	Resources      []string `yaml:"resources" doc:"resources refused, RESOURCE[.GROUP][/SUBRESOURCE]: services/status, leases.coordination.k8s.io, deployments.apps/scale (required)"`
	Reason         string   `yaml:"reason" doc:"deny: Forbidden (403, default), Invalid (422), Unauthorized (401) or RequestEntityTooLarge (413)"`
	Message        string   `yaml:"message" doc:"deny: the message of the refusal (default: says it is this harness fault)"`
}

var (
	rejectModes   = []string{"deny", "unavailable", "throttle"}
	rejectReasons = []string{"Forbidden", "Invalid", "Unauthorized", "RequestEntityTooLarge"}
	writeVerbs    = []string{"create", "update", "patch", "delete", "deletecollection"}
	readVerbs     = []string{"get", "list", "watch"}
	// userRE: a user name as authenticators produce them; nothing that
	// needs quoting in a CEL string literal.
	userRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9:._@+-]{0,252}$`)
	// messageRE: printable text without quotes or backslashes (it becomes a
	// CEL-free message field, but stays readable in a log line).
	messageRE = regexp.MustCompile(`^[^"\\\x00-\x1f]{1,200}$`)
)

var rejectSpec = Spec{
	Type: "reject-requests",
	Doc: "make the apiserver refuse one client's (user's or ServiceAccount's) requests of chosen verbs and resources, " +
		"with built-in API machinery and no network cut: deny (ValidatingAdmissionPolicy, 4xx), unavailable " +
		"(a failing admission webhook, 500) or throttle (API Priority and Fairness, 429); the revert deletes the objects",
	NeedsDuration: true,
	Targets:       TargetNode,
	NewParams:     func() any { return &RejectParams{} },
	New:           newReject,
}

type reject struct {
	c         Common
	p         RejectParams
	resources []apiResource
	// name is the name of the fault's objects, resolved by Plan.
	name string
	// inject is the kubectl apply, resolved by Plan.
	inject []Step
}

// apiResource is one RESOURCE[.GROUP][/SUBRESOURCE] of the parameters.
type apiResource struct{ group, resource string } // resource with its subresource

func newReject(c Common, params any) (Fault, field.ErrorList) {
	p := *params.(*RejectParams)
	path := field.NewPath("params")
	var errs field.ErrorList
	if !slices.Contains(rejectModes, p.Mode) {
		return nil, field.ErrorList{field.NotSupported(path.Child("mode"), p.Mode, rejectModes)}
	}
	errs = append(errs, p.checkClient(path)...)
	allowed := writeVerbs
	if p.Mode == "throttle" {
		allowed = append(slices.Clone(readVerbs), writeVerbs...)
	}
	for i, v := range p.Verbs {
		if !slices.Contains(allowed, v) {
			errs = append(errs, field.NotSupported(path.Child("verbs").Index(i), v, allowed))
		}
	}
	if len(p.Verbs) == 0 {
		p.Verbs = allowed
	}
	var resources []apiResource
	if len(p.Resources) == 0 {
		errs = append(errs, field.Required(path.Child("resources"), "the resources to refuse, such as services/status or leases.coordination.k8s.io"))
	}
	for i, r := range p.Resources {
		ar, err := parseResource(r)
		if err != "" {
			errs = append(errs, field.Invalid(path.Child("resources").Index(i), r, err))
		}
		resources = append(resources, ar)
	}
	errs = append(errs, p.checkDeny(path)...)
	if len(errs) > 0 {
		return nil, errs
	}
	if p.Mode == "deny" && p.Reason == "" {
		p.Reason = "Forbidden"
	}
	if p.Message == "" {
		p.Message = "refused by harness fault " + c.Name
	}
	return &reject{c: c, p: p, resources: resources}, nil
}

func (p RejectParams) checkClient(path *field.Path) field.ErrorList {
	switch {
	case (p.User == "") == (p.ServiceAccount == ""):
		return field.ErrorList{field.Required(path.Child("user"), "set either user (e.g. system:kube-controller-manager) or serviceAccount (NAMESPACE/NAME)")}
	case p.User != "" && !userRE.MatchString(p.User):
		return field.ErrorList{field.Invalid(path.Child("user"), p.User, "not a user name: letters, digits and :._@+- only")}
	case p.ServiceAccount != "":
		ns, name, ok := strings.Cut(p.ServiceAccount, "/")
		if !ok || len(validation.IsDNS1123Label(ns)) > 0 || len(validation.IsDNS1123Subdomain(name)) > 0 {
			return field.ErrorList{field.Invalid(path.Child("serviceAccount"), p.ServiceAccount, "want NAMESPACE/NAME, such as kube-system/endpoint-controller")}
		}
	}
	return nil
}

func (p RejectParams) checkDeny(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if p.Reason != "" && p.Mode != "deny" {
		errs = append(errs, field.Forbidden(path.Child("reason"), "only mode deny chooses the refusal's reason"))
	} else if p.Reason != "" && !slices.Contains(rejectReasons, p.Reason) {
		errs = append(errs, field.NotSupported(path.Child("reason"), p.Reason, rejectReasons))
	}
	if p.Message != "" && p.Mode != "deny" {
		errs = append(errs, field.Forbidden(path.Child("message"), "only mode deny chooses the refusal's message"))
	} else if p.Message != "" && !messageRE.MatchString(p.Message) {
		errs = append(errs, field.Invalid(path.Child("message"), p.Message, "1 to 200 printable characters without quotes or backslashes"))
	}
	return errs
}

// parseResource parses RESOURCE[.GROUP][/SUBRESOURCE]; the error is empty
// when it is valid.
func parseResource(s string) (apiResource, string) {
	full, sub, hasSub := strings.Cut(s, "/")
	resource, group, _ := strings.Cut(full, ".")
	bad := len(validation.IsDNS1123Label(resource)) > 0 ||
		(group != "" && len(validation.IsDNS1123Subdomain(group)) > 0) ||
		(hasSub && len(validation.IsDNS1123Label(sub)) > 0)
	if bad {
		return apiResource{}, "want RESOURCE[.GROUP][/SUBRESOURCE] in lowercase, such as services/status, leases.coordination.k8s.io or deployments.apps/scale"
	}
	if hasSub {
		resource += "/" + sub
	}
	return apiResource{group: group, resource: resource}, ""
}

// username is the client's name as the apiserver authenticates it.
func (p RejectParams) username() string {
	if p.User != "" {
		return p.User
	}
	ns, name, _ := strings.Cut(p.ServiceAccount, "/")
	return "system:serviceaccount:" + ns + ":" + name
}

// objectName names the fault's API objects: unique per run and fault, and
// recognisable (harness-<fault>-<hash of the run and fault>).
func objectName(env Env, fault string) string {
	h := fnv.New32a()
	h.Write([]byte(env.RunID + "/" + fault))
	return fmt.Sprintf("harness-%.40s-%08x", fault, h.Sum32())
}

// Plan renders the objects and returns a revert that deletes them with the
// node's kubectl (so that `harness cleanup` can run it from the journal).
func (f *reject) Plan(ctx context.Context, env Env) (Revert, error) {
	nodes, err := f.c.Target.nodes(ctx, env)
	if err != nil {
		return Revert{}, err
	}
	f.name = objectName(env, f.c.Name)
	manifest, err := f.manifest(f.name, comment(env, f.c.Name))
	if err != nil {
		return Revert{}, err
	}
	node := nodes[0].Name()
	f.inject = []Step{{Node: node, Argv: kubectlArgv("apply", "-f", "-"), Stdin: manifest}}
	return Revert{Fault: f.c.Name, Type: rejectSpec.Type, Steps: []Step{
		{Node: node, Argv: kubectlArgv("delete", "--ignore-not-found", "--wait=false", "-f", "-"), Stdin: manifest}}}, nil
}

// Inject creates the objects; the apiserver applies them once its
// informers see them (well under a second).
func (f *reject) Inject(ctx context.Context, env Env) error {
	return runSteps(ctx, env.Cluster, "reject-requests", f.inject)
}

// kubectlArgv runs the node's kubectl as the cluster admin.
func kubectlArgv(args ...string) []string {
	return append([]string{"kubectl", "--kubeconfig", "/etc/kubernetes/admin.conf"}, args...)
}
