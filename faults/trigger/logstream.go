package trigger

import (
	"bufio"
	"context"
	"io"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Logs chooses the container logs FollowLogs follows.
type Logs struct {
	Namespace, Selector string
	// Container is the container's name; empty means each Pod's first.
	Container string
	// Since: lines the runtime received earlier are skipped.
	Since time.Time
}

// Line is one container log line.
type Line struct {
	Namespace, Pod, Container string
	// Time is the container runtime's timestamp of the line (the host's
	// clock).
	Time time.Time
	Text string
}

// FollowLogs follows the logs of the chosen container of every Pod that
// the label selector chooses, with the runtime's timestamps, and calls
// onLine (one call at a time) for every line received at or after Since,
// until onLine returns false (FollowLogs then returns nil) or ctx ends
// (ctx's error). Containers that start later, or restart, are followed as
// they start (an informer on the Pods); a stream that breaks while its
// container still runs (the apiserver went away) is reopened from the
// last line's timestamp, without repeating lines. env.Armed is called once
// the Pods are listed.
func FollowLogs(ctx context.Context, env Env, l Logs, onLine func(Line) bool) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		stopped  = make(chan struct{})
		once     sync.Once
		followed = map[string]bool{}
	)
	// Deferred calls run last first: the streams are cancelled, then
	// waited for. (Waiting first blocked a fired trigger until its
	// timeout: the streams follow running containers and end only with
	// ctx.)
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	deliver := func(line Line) {
		mu.Lock()
		defer mu.Unlock()
		select {
		case <-stopped:
			return
		default:
		}
		if !onLine(line) {
			once.Do(func() { close(stopped) })
		}
	}
	pods := env.Client.CoreV1().Pods(l.Namespace)
	lw := listWatch(env.Client, "", l.Selector, pods.List, pods.Watch)
	match := func(c change) (Fired, bool) {
		pod, ok := c.cur.(*corev1.Pod)
		if !ok {
			return Fired{}, false
		}
		name, id := runningContainer(pod, l.Container)
		if id == "" || followed[id] {
			return Fired{}, false
		}
		followed[id] = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &stream{client: env.Client, pod: pod, container: name, id: id, since: l.Since}
			s.follow(ctx, deliver)
		}()
		return Fired{}, false
	}
	tick := func() (Fired, bool) {
		select {
		case <-stopped:
			return Fired{}, true
		default:
			return Fired{}, false
		}
	}
	_, err := watchUntil(ctx, env, lw, &corev1.Pod{}, match, tick)
	return err
}

// runningContainer returns the chosen container of a Pod (the first when
// name is empty) and its ID, when it runs.
func runningContainer(p *corev1.Pod, name string) (string, string) {
	for _, s := range p.Status.ContainerStatuses {
		if (name == "" && len(p.Spec.Containers) > 0 && s.Name == p.Spec.Containers[0].Name || s.Name == name) && s.State.Running != nil {
			return s.Name, s.ContainerID
		}
	}
	return "", ""
}

// stream is the log of one container instance (its ID).
type stream struct {
	client         kubernetes.Interface
	pod            *corev1.Pod
	container, id  string
	since          time.Time
	last           time.Time // timestamp of the last line delivered
	lastText       string
	reopenInterval time.Duration
}

// follow reads the log until the container instance is gone, reopening a
// broken stream from the last line.
func (s *stream) follow(ctx context.Context, deliver func(Line)) {
	if s.reopenInterval == 0 {
		s.reopenInterval = time.Second
	}
	for ctx.Err() == nil {
		from := s.since
		if s.last.After(from) {
			from = s.last
		}
		since := metav1.NewTime(from.Add(-time.Second)) // the API takes whole seconds
		opts := &corev1.PodLogOptions{Container: s.container, Follow: true, Timestamps: true, SinceTime: &since}
		r, err := s.client.CoreV1().Pods(s.pod.Namespace).GetLogs(s.pod.Name, opts).Stream(ctx)
		if apierrors.IsNotFound(err) {
			return
		}
		if err == nil {
			s.scan(r, deliver)
			r.Close()
			if !s.stillRunning(ctx) {
				return
			}
		}
		select {
		case <-time.After(s.reopenInterval):
		case <-ctx.Done():
		}
	}
}

// scan delivers the lines of r that are new.
func (s *stream) scan(r io.Reader, deliver func(Line)) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		stamp, text, _ := strings.Cut(sc.Text(), " ")
		at, err := time.Parse(time.RFC3339Nano, stamp)
		if err != nil || at.Before(s.since) || at.Before(s.last) || (at.Equal(s.last) && text == s.lastText) {
			continue
		}
		s.last, s.lastText = at, text
		deliver(Line{Namespace: s.pod.Namespace, Pod: s.pod.Name, Container: s.container, Time: at, Text: text})
	}
}

// stillRunning reports whether the container instance still runs (true
// while the apiserver cannot say).
func (s *stream) stillRunning(ctx context.Context) bool {
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	p, err := s.client.CoreV1().Pods(s.pod.Namespace).Get(cctx, s.pod.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return false
	case err != nil:
		return ctx.Err() == nil
	}
	_, id := runningContainer(p, s.container)
	return id == s.id
}
