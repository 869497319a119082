// Package docker tests hack/docker/ensure-docker.sh against fake docker,
// dockerd, systemctl and service commands: the user's machine is theirs.
package docker

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// userConfig is a daemon.json with the user's own settings.
const userConfig = `{"data-root": "/srv/docker", "registry-mirrors": ["https://mirror.example"], "log-opts": {"max-size": "10m"}}`

const (
	capsFull = "000001ffffffffff" // CAP_SYS_RESOURCE present: no shim needed
	capsLack = "000001fffeffffff" // CAP_SYS_RESOURCE absent
)

// host is a fake machine: a state directory that the fake commands read
// and write.
type host struct {
	t     *testing.T
	dir   string
	env   []string
	calls string
}

func newHost(t *testing.T, up bool, runtime string) *host {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	must(t, os.MkdirAll(bin, 0o755))
	state := filepath.Join(dir, "state")
	must(t, os.MkdirAll(state, 0o755))
	if up {
		must(t, os.WriteFile(filepath.Join(state, "up"), nil, 0o644))
	}
	must(t, os.WriteFile(filepath.Join(state, "runtime"), []byte(runtime), 0o644))
	calls := filepath.Join(state, "calls")
	fakes := map[string]string{
		// docker info answers while the daemon is up.
		"docker": `[ -e "$STATE/up" ] || exit 1
case "$*" in *DefaultRuntime*) cat "$STATE/runtime";; esac`,
		// dockerd runs until killed; it answers with the runtime of the config.
		"dockerd": `echo "dockerd $*" >>"$STATE/calls"
jq -r '.["default-runtime"] // "runc"' "$CONFIG" >"$STATE/runtime" 2>/dev/null || true
touch "$STATE/up"; trap 'rm -f "$STATE/up"; exit 0' TERM; while :; do sleep 0.1; done`,
		"systemctl": `echo "systemctl $*" >>"$STATE/calls"; [ -e "$STATE/systemd-docker" ]`,
		"service":   `echo "service $*" >>"$STATE/calls"; [ -e "$STATE/service-docker" ]`,
		"iptables":  `exit 0`,
	}
	for name, body := range fakes {
		must(t, os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/bash\n"+body+"\n"), 0o755))
	}
	return &host{t: t, dir: dir, calls: calls, env: []string{
		"PATH=" + bin + ":/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
		"STATE=" + state,
		"CONFIG=" + filepath.Join(dir, "daemon.json"),
		"HARNESS_DOCKER_CONFIG=" + filepath.Join(dir, "daemon.json"),
		"HARNESS_DOCKERD_PIDFILE=" + filepath.Join(dir, "dockerd.pid"),
		"HARNESS_RUNC_SHIM=" + filepath.Join(dir, "harness-runc"),
		"HARNESS_SYSTEMD_RUN=" + filepath.Join(dir, "no-systemd"),
		"DOCKERD_LOG=" + filepath.Join(dir, "dockerd.log"),
	}}
}

func (h *host) run(extra ...string) (string, int) {
	h.t.Helper()
	cmd := exec.Command("bash", "ensure-docker.sh")
	cmd.Env = append(append([]string{}, h.env...), extra...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(h.stopDockerd)
	return string(out), code
}

func (h *host) stopDockerd() {
	if data, err := os.ReadFile(filepath.Join(h.dir, "dockerd.pid")); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
			_ = syscall.Kill(pid, syscall.SIGTERM)
		}
	}
}

func (h *host) config() map[string]any {
	h.t.Helper()
	data, err := os.ReadFile(filepath.Join(h.dir, "daemon.json"))
	if err != nil {
		return nil
	}
	var m map[string]any
	must(h.t, json.Unmarshal(data, &m))
	return m
}

func (h *host) writeConfig(s string) {
	must(h.t, os.WriteFile(filepath.Join(h.dir, "daemon.json"), []byte(s), 0o644))
}

func (h *host) ranCommands() string {
	data, _ := os.ReadFile(h.calls)
	return string(data)
}

func (h *host) touch(name string) {
	must(h.t, os.WriteFile(filepath.Join(h.dir, "state", name), nil, 0o644))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func keepsUserKeys(t *testing.T, cfg map[string]any) {
	t.Helper()
	if cfg["data-root"] != "/srv/docker" || cfg["registry-mirrors"] == nil || cfg["log-opts"] == nil {
		t.Fatalf("the user's keys were dropped: %v", cfg)
	}
}

func TestAnsweringDaemonWithoutShimNeedIsLeftAlone(t *testing.T) {
	t.Parallel()
	h := newHost(t, true, "runc")
	h.writeConfig(userConfig)
	out, code := h.run("HARNESS_CAPBND="+capsFull, "CI=true")
	if code != 0 || !strings.Contains(out, "daemon answers") || h.ranCommands() != "" {
		t.Fatalf("exit %d, ran %q\n%s", code, h.ranCommands(), out)
	}
	keepsUserKeys(t, h.config())
	if h.config()["default-runtime"] != nil {
		t.Fatalf("config changed: %v", h.config())
	}
}

func TestShimNeededAsksBeforeRestarting(t *testing.T) {
	t.Parallel()
	h := newHost(t, true, "runc")
	h.writeConfig(userConfig)
	h.touch("service-docker")
	out, code := h.run("HARNESS_CAPBND=" + capsLack)
	if code != 1 || !strings.Contains(out, `"default-runtime": "harness-runc"`) || !strings.Contains(out, "HARNESS_DOCKER_RESTART=1") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if h.config()["default-runtime"] != nil || strings.Contains(h.ranCommands(), "restart") {
		t.Fatalf("changed without consent: %v, ran %q", h.config(), h.ranCommands())
	}
}

func TestShimNeededRestartsThroughTheServiceManager(t *testing.T) {
	t.Parallel()
	h := newHost(t, true, "runc")
	h.writeConfig(userConfig)
	h.touch("service-docker")
	out, code := h.run("HARNESS_CAPBND="+capsLack, "HARNESS_DOCKER_RESTART=1")
	if code != 0 || !strings.Contains(h.ranCommands(), "service docker restart") {
		t.Fatalf("exit %d, ran %q\n%s", code, h.ranCommands(), out)
	}
	cfg := h.config()
	keepsUserKeys(t, cfg)
	if cfg["default-runtime"] != "harness-runc" || cfg["runtimes"] == nil {
		t.Fatalf("runtime keys not merged: %v", cfg)
	}
	if _, err := os.Stat(filepath.Join(h.dir, "daemon.json.harness-backup")); err != nil {
		t.Fatalf("no backup of the user's config: %v", err)
	}
}

func TestNeverKillsADaemonItDidNotStart(t *testing.T) {
	t.Parallel()
	h := newHost(t, true, "runc")
	h.writeConfig(userConfig)
	out, code := h.run("HARNESS_CAPBND="+capsLack, "CI=true")
	if code != 1 || !strings.Contains(out, "restart it yourself") || strings.Contains(h.ranCommands(), "dockerd") {
		t.Fatalf("exit %d, ran %q\n%s", code, h.ranCommands(), out)
	}
	if h.config()["default-runtime"] != nil {
		t.Fatalf("config written although the daemon cannot be restarted: %v", h.config())
	}
}

// TestFreshMachine: no daemon answers: the script merges the shim into the
// config, starts dockerd itself and records its PID; with CI=true it may
// later restart that daemon, and only that one.
func TestFreshMachine(t *testing.T) {
	t.Parallel()
	h := newHost(t, false, "runc")
	out, code := h.run("HARNESS_CAPBND="+capsLack, "CI=true")
	if code != 0 || !strings.Contains(out, "daemon answers") || h.config()["default-runtime"] != "harness-runc" {
		t.Fatalf("exit %d, config %v\n%s", code, h.config(), out)
	}
	data, err := os.ReadFile(filepath.Join(h.dir, "dockerd.pid"))
	if err != nil {
		t.Fatal(err)
	}
	first := strings.TrimSpace(string(data))
	// The user removes the runtime keys; the script restarts its own dockerd.
	h.writeConfig(userConfig)
	must(t, os.WriteFile(filepath.Join(h.dir, "state", "runtime"), []byte("runc"), 0o644))
	out, code = h.run("HARNESS_CAPBND="+capsLack, "CI=true")
	data, _ = os.ReadFile(filepath.Join(h.dir, "dockerd.pid"))
	if code != 0 || !strings.Contains(out, "restarting the dockerd this script started (pid "+first+")") ||
		strings.TrimSpace(string(data)) == first {
		t.Fatalf("exit %d\n%s", code, out)
	}
	keepsUserKeys(t, h.config())
}
