package trigger

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"

	"github.com/harness-dev/harness/clusters"
)

// LogLineParams are the parameters of the logLine trigger.
type LogLineParams struct {
	Component string `yaml:"component" doc:"a control-plane component (static pod): kube-apiserver, kube-controller-manager, kube-scheduler or etcd"`
	Namespace string `yaml:"namespace" doc:"namespace of the Pods (with selector, instead of component)"`
	Selector  string `yaml:"selector" doc:"label selector of the Pods (with namespace)"`
	Container string `yaml:"container" doc:"container name (default: the first)"`
	Regex     string `yaml:"regex" doc:"regular expression (Go syntax) a log line must match"`
}

var logLineSpec = Spec{
	Type:      "logLine",
	Doc:       "a container of the chosen Pods writes a log line matching a regular expression (containers that start later are followed too)",
	NewParams: func() any { return &LogLineParams{} },
	New:       newLogLine,
}

func newLogLine(params any) (Trigger, error) {
	p := *params.(*LogLineParams)
	switch {
	case p.Component != "" && p.Selector != "":
		return nil, fmt.Errorf("params.component: set either component or namespace+selector, not both")
	case p.Component != "":
		if !slices.Contains(clusters.Components, p.Component) {
			return nil, fmt.Errorf("params.component: unknown component %q; valid: %s", p.Component, strings.Join(clusters.Components, ", "))
		}
		p.Namespace, p.Selector = "kube-system", "component="+p.Component
	case p.Namespace == "" || p.Selector == "":
		return nil, fmt.Errorf("params.component: want component, or namespace and selector")
	}
	if _, err := labels.Parse(p.Selector); err != nil {
		return nil, fmt.Errorf("params.selector: %q is not a label selector: %v", p.Selector, err)
	}
	re, err := regexp.Compile(p.Regex)
	if err != nil || p.Regex == "" {
		return nil, fmt.Errorf("params.regex: %q is not a regular expression (Go syntax): %v", p.Regex, err)
	}
	return &logLine{p: p, re: re}, nil
}

type logLine struct {
	p  LogLineParams
	re *regexp.Regexp
}

// Wait follows the logs of every running container of the chosen Pods,
// from the moment of arming; containers that start later are followed as
// they start.
func (t *logLine) Wait(ctx context.Context, env Env) (Fired, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	armed := time.Now()
	found := make(chan Fired, 1)
	var wg sync.WaitGroup
	defer wg.Wait()
	followed := map[string]bool{}
	pods := env.Client.CoreV1().Pods(t.p.Namespace)
	lw := listWatch(env.Client, "", t.p.Selector, pods.List, pods.Watch)
	match := func(c change) (Fired, bool) {
		select {
		case f := <-found:
			return f, true
		default:
		}
		pod, ok := c.cur.(*corev1.Pod)
		if !ok {
			return Fired{}, false
		}
		name, id := t.running(pod)
		if id == "" || followed[id] {
			return Fired{}, false
		}
		followed[id] = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			if f, ok := t.follow(ctx, env.Client, pod, name, armed); ok {
				select {
				case found <- f:
				default:
				}
			}
		}()
		return Fired{}, false
	}
	// A found line must end the wait even when no Pod changes; the ticker
	// hands it over.
	tick := func() (Fired, bool) {
		select {
		case f := <-found:
			return f, true
		default:
			return Fired{}, false
		}
	}
	return watchUntil(ctx, env, lw, &corev1.Pod{}, match, tick)
}

// running returns the chosen container of a Pod and its ID, when running.
func (t *logLine) running(p *corev1.Pod) (name, id string) {
	for _, s := range p.Status.ContainerStatuses {
		if (t.p.Container == "" && s.Name == p.Spec.Containers[0].Name || s.Name == t.p.Container) && s.State.Running != nil {
			return s.Name, s.ContainerID
		}
	}
	return "", ""
}

// follow streams a container's log from armed and reports the first line
// that matches. A stream that cannot be opened (the apiserver is down) is
// retried until the Pod is gone or ctx ends.
func (t *logLine) follow(ctx context.Context, client kubernetes.Interface, pod *corev1.Pod, container string, armed time.Time) (Fired, bool) {
	since := metav1.NewTime(armed.Add(-time.Second)) // the API takes whole seconds
	opts := &corev1.PodLogOptions{Container: container, Follow: true, Timestamps: true, SinceTime: &since}
	for ctx.Err() == nil {
		stream, err := client.CoreV1().Pods(pod.Namespace).GetLogs(pod.Name, opts).Stream(ctx)
		if apierrors.IsNotFound(err) {
			return Fired{}, false
		}
		if err != nil {
			select {
			case <-time.After(time.Second):
			case <-ctx.Done():
			}
			continue
		}
		f, ok := t.scan(stream, pod, container, armed)
		stream.Close()
		return f, ok
	}
	return Fired{}, false
}

func (t *logLine) scan(r io.Reader, pod *corev1.Pod, container string, armed time.Time) (Fired, bool) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		stamp, line, _ := strings.Cut(sc.Text(), " ")
		at, err := time.Parse(time.RFC3339Nano, stamp)
		if err != nil || at.Before(armed) || !t.re.MatchString(line) {
			continue
		}
		return fired(at, fmt.Sprintf("log line of %s/%s %s: %s", pod.Namespace, pod.Name, container, line)), true
	}
	return Fired{}, false
}
