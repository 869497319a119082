#!/usr/bin/env bash
# Makes a Docker daemon answer on this machine, changing no more of the
# user's machine than the harness needs:
#
# - a daemon that already answers is left alone, unless the host needs the
#   capability shim (its capability bounding set lacks CAP_SYS_RESOURCE,
#   so runc cannot start privileged kind nodes) and the daemon does not use
#   it yet. Then the runtime keys alone are merged into the existing
#   daemon.json (the user's own keys stay), the script says what changes,
#   and restarts the daemon only with consent (HARNESS_DOCKER_RESTART=1, or
#   CI=true): through the service manager (systemctl, service) when one
#   runs it, or by stopping the dockerd this script started itself (its PID
#   is in $pidfile). It never kills a daemon it did not start.
# - with no daemon answering, it installs Debian's docker.io when dockerd
#   is missing, merges the runtime keys when the host needs the shim,
#   starts dockerd (through the service manager when systemd runs, else
#   itself with nohup, recording the PID) and waits until it answers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log=${DOCKERD_LOG:-/var/log/harness-dockerd.log}
config=${HARNESS_DOCKER_CONFIG:-/etc/docker/daemon.json}
pidfile=${HARNESS_DOCKERD_PIDFILE:-/run/harness-dockerd.pid}
shim=${HARNESS_RUNC_SHIM:-/usr/local/bin/harness-runc}
say() { echo "ensure-docker: $*"; }

need_pkgs=()
command -v dockerd >/dev/null || need_pkgs+=(docker.io)
command -v jq >/dev/null || need_pkgs+=(jq)
command -v iptables >/dev/null || need_pkgs+=(iptables)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  say "installing ${need_pkgs[*]} from Debian packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# CAP_SYS_RESOURCE is capability 24.
capbnd=${HARNESS_CAPBND:-$(awk '/^CapBnd:/ {print $2}' /proc/self/status)}
want_shim=false
if (( (16#$capbnd >> 24 & 1) == 0 )); then want_shim=true; fi

answers() { docker info >/dev/null 2>&1; }

# merge_config writes the runtime keys into $config, keeping every other
# key, and says what changes; it returns 1 when nothing changes.
merge_config() {
  local current merged
  current='{}'
  if [ -s "$config" ]; then
    current=$(jq -c . "$config") || { say "$config is not JSON; fix it first" >&2; exit 1; }
  fi
  merged=$(jq -c --arg shim "$shim" \
    '.runtimes["harness-runc"] = {path: $shim} | .["default-runtime"] = "harness-runc"' <<<"$current")
  if [ "$(jq -cS . <<<"$current")" = "$(jq -cS . <<<"$merged")" ]; then return 1; fi
  say "the host lacks CAP_SYS_RESOURCE: $config gets the capability shim (other keys unchanged):"
  diff <(jq -S . <<<"$current") <(jq -S . <<<"$merged") | sed 's/^/  /' || true
  if [ "${apply:-true}" = true ]; then
    install -D -m 0755 "$here/harness-runc" "$shim"
    mkdir -p "$(dirname "$config")"
    if [ -e "$config" ]; then cp -p "$config" "$config.harness-backup"; fi
    jq -S . <<<"$merged" >"$config.harness-tmp" && mv -f "$config.harness-tmp" "$config"
    say "wrote $config (the previous one is $config.harness-backup)"
  fi
  return 0
}

# ours prints the PID of the dockerd this script started, if it still runs.
ours() {
  local pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || return 1
  echo "$pid"
}

systemd_runs() { [ -d "${HARNESS_SYSTEMD_RUN:-/run/systemd/system}" ] && command -v systemctl >/dev/null; }

# restart_method says how the running daemon can be restarted: ours (this
# script started it), systemd, service, or none.
restart_method() {
  if ours >/dev/null; then echo ours
  elif systemd_runs && systemctl is-active --quiet docker.service; then echo systemd
  elif command -v service >/dev/null && service docker status >/dev/null 2>&1; then echo service
  else echo none
  fi
}

start_daemon() {
  if systemd_runs && systemctl cat docker.service >/dev/null 2>&1; then
    say "starting docker.service"
    systemctl start docker.service
  else
    say "starting dockerd (log: $log; pid in $pidfile)"
    nohup dockerd >"$log" 2>&1 </dev/null &
    echo $! >"$pidfile"
  fi
  for _ in $(seq 120); do
    if answers; then say "daemon answers"; exit 0; fi
    sleep 0.5
  done
  say "dockerd did not answer within 60s; last lines of $log:" >&2
  tail -n 30 "$log" >&2 || true
  exit 1
}

restart_daemon() {
  local pid
  case $1 in
    ours)
      pid=$(ours)
      say "restarting the dockerd this script started (pid $pid)"
      kill "$pid"
      for _ in $(seq 60); do [ -d "/proc/$pid" ] || break; sleep 0.5; done
      start_daemon ;;
    systemd)
      say "restarting docker.service"
      systemctl restart docker.service ;;
    service)
      say "restarting the docker service"
      service docker restart ;;
  esac
  for _ in $(seq 120); do
    if answers; then say "daemon answers"; exit 0; fi
    sleep 0.5
  done
  say "the daemon did not answer within 60s after the restart" >&2
  exit 1
}

if answers; then
  if ! $want_shim || [ "$(docker info --format '{{.DefaultRuntime}}' 2>/dev/null)" = harness-runc ]; then
    say "daemon answers"
    exit 0
  fi
  consent=false
  if [ "${HARNESS_DOCKER_RESTART:-}" = 1 ] || [ "${CI:-}" = true ]; then consent=true; fi
  method=$(restart_method)
  if $consent && [ "$method" = none ]; then
    apply=false merge_config || true
    say "the running dockerd was started neither by this script nor by a service manager;" \
      "write $config as above and restart it yourself" >&2
    exit 1
  fi
  apply=$consent merge_config || true
  if ! $consent; then
    say "the daemon answers but does not use the capability shim, which this host needs to run kind nodes;" \
      "rerun with HARNESS_DOCKER_RESTART=1 to write $config as above and restart the daemon ($method)" >&2
    exit 1
  fi
  restart_daemon "$method"
fi

if $want_shim; then merge_config || true; fi
start_daemon
