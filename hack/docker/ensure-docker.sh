#!/usr/bin/env bash
# Makes a Docker daemon answer on this machine, adapting to the host:
# installs Debian's docker.io when dockerd is missing, registers the
# harness-runc capability shim only when the capability bounding set lacks
# CAP_SYS_RESOURCE, and starts dockerd when no daemon answers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log=${DOCKERD_LOG:-/var/log/harness-dockerd.log}

need_pkgs=()
command -v dockerd >/dev/null || need_pkgs+=(docker.io)
command -v jq >/dev/null || need_pkgs+=(jq)
command -v iptables >/dev/null || need_pkgs+=(iptables)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "ensure-docker: installing ${need_pkgs[*]} from Debian packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# CAP_SYS_RESOURCE is capability 24.
capbnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
want_shim=false
if (( (16#$capbnd >> 24 & 1) == 0 )); then want_shim=true; fi

mkdir -p /etc/docker
if $want_shim; then
  install -m 0755 "$here/harness-runc" /usr/local/bin/harness-runc
  desired='{"runtimes":{"harness-runc":{"path":"/usr/local/bin/harness-runc"}},"default-runtime":"harness-runc"}'
else
  desired='{}'
fi
current=$(cat /etc/docker/daemon.json 2>/dev/null || echo '{}')
config_changed=false
if [ "$(jq -cS . <<<"$current")" != "$(jq -cS . <<<"$desired")" ]; then
  jq . <<<"$desired" >/etc/docker/daemon.json
  config_changed=true
  echo "ensure-docker: wrote /etc/docker/daemon.json (capability shim: $want_shim)"
fi

if docker info >/dev/null 2>&1; then
  if ! $config_changed; then echo "ensure-docker: daemon answers"; exit 0; fi
  echo "ensure-docker: restarting dockerd to apply the new configuration"
  pkill -x dockerd || true
  for _ in $(seq 60); do pgrep -x dockerd >/dev/null || break; sleep 0.5; done
fi

echo "ensure-docker: starting dockerd (log: $log)"
nohup dockerd >"$log" 2>&1 </dev/null &
for _ in $(seq 120); do
  if docker info >/dev/null 2>&1; then echo "ensure-docker: daemon answers"; exit 0; fi
  sleep 0.5
done
echo "ensure-docker: dockerd did not answer within 60s; last lines of $log:" >&2
tail -n 30 "$log" >&2
exit 1
