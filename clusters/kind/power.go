package kind

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
)

// Stop shuts the node container down: Docker sends the image's stop signal
// (SIGRTMIN+3, systemd's "halt") and kills it after grace.
func (n *node) Stop(ctx context.Context, grace time.Duration) error {
	secs := fmt.Sprint(int(grace.Seconds()))
	if out, err := exec.CommandContext(ctx, "docker", "stop", "--time", secs, "--", n.Name()).CombinedOutput(); err != nil {
		return fmt.Errorf("docker stop --time %s %s: %w: %s", secs, n.Name(), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Start boots the node container and waits until systemd has finished
// booting (running, or degraded when some unit failed).
func (n *node) Start(ctx context.Context) error {
	if out, err := exec.CommandContext(ctx, "docker", "start", "--", n.Name()).CombinedOutput(); err != nil {
		return fmt.Errorf("docker start %s: %w: %s", n.Name(), err, strings.TrimSpace(string(out)))
	}
	var state string
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		out, _ := n.Exec(ctx, nil, "systemctl", "is-system-running")
		state = strings.TrimSpace(string(out))
		return state == "running" || state == "degraded", nil
	})
	if err != nil {
		return fmt.Errorf("node %s started but systemd is %q, not running: %w", n.Name(), state, err)
	}
	return nil
}

// Running reports whether the node container runs, and since when (its
// start time changes with every boot).
func (n *node) Running(ctx context.Context) (bool, time.Time, error) {
	out, err := exec.CommandContext(ctx, "docker", "inspect", "--format", "{{.State.Running}} {{.State.StartedAt}}", "--", n.Name()).Output()
	if err != nil {
		return false, time.Time{}, fmt.Errorf("docker inspect %s: %w", n.Name(), err)
	}
	running, started, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	at, err := time.Parse(time.RFC3339Nano, started)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("docker inspect %s: start time %q: %w", n.Name(), started, err)
	}
	return running == "true", at, nil
}
