#!/bin/bash
# /usr/local/bin/envoy of the offline load-balancer image (see build.sh):
# `envoy -c /home/envoy/envoy.yaml` as kind v0.33.0 runs it, served by
# Debian's haproxy. kind writes the listener (lds.yaml: the port) and the
# apiservers (cds.yaml: lb_endpoints, address and port_value of each) after
# the container started, and again when nodes change. Every second this
# renders them into an haproxy configuration with the behaviour of kind's
# Envoy cluster: TCP proxy, round robin, HTTPS health check GET /healthz
# every 2s (3s timeout, unhealthy after 2 failures, healthy after 1
# success, certificate not verified), a 0.25s connect timeout, backends
# resolved through Docker's DNS at run time (a rebooted node may come back
# with another address). A changed configuration is checked, then loaded by
# haproxy's master (SIGUSR2): established connections stay on the old
# worker until they close, as with Envoy's listener drain.
set -u
dir=/home/envoy
cfg=/run/haproxy/haproxy.cfg

render() {
  local port backends b
  port=$(awk '$1 == "port_value:" {print $2; exit}' "$dir/lds.yaml" 2>/dev/null)
  backends=$(awk '/lb_endpoints:/ {on = 1} on && $1 == "address:" {a = $2} on && $1 == "port_value:" {print a ":" $2}' \
    "$dir/cds.yaml" 2>/dev/null)
  [ -n "$port" ] && [ -n "$backends" ] || return 1
  cat <<CFG
global
  log stdout format raw local0
  maxconn 4000
resolvers docker
  nameserver dns 127.0.0.11:53
  resolve_retries 3
  timeout resolve 1s
  timeout retry 1s
  hold valid 5s
  hold obsolete 5s
defaults
  mode tcp
  log global
  option tcplog
  option log-health-checks
  timeout connect 250ms
  timeout client 1h
  timeout server 1h
  timeout check 3s
frontend listener_apiserver
  bind 0.0.0.0:$port
  default_backend kube_apiservers
backend kube_apiservers
  balance roundrobin
  option httpchk GET /healthz
  default-server inter 2s fall 2 rise 1 check check-ssl verify none resolvers docker init-addr last,libc,none
CFG
  for b in $backends; do echo "  server ${b%:*} $b"; done
}

mkdir -p "$(dirname "$cfg")"
master="" last=""
while true; do
  if new=$(render) && [ "$new" != "$last" ]; then
    printf '%s\n' "$new" >"$cfg.new"
    if out=$(haproxy -c -q -f "$cfg.new" 2>&1); then
      mv -f "$cfg.new" "$cfg"
      if [ -n "$master" ] && kill -0 "$master" 2>/dev/null; then
        echo "envoy (haproxy): configuration changed, reloading"
        kill -USR2 "$master"
      else
        echo "envoy (haproxy): starting haproxy $(haproxy -v | awk 'NR == 1 {print $3}') with $(grep -c '^  server ' "$cfg") apiservers"
        haproxy -W -f "$cfg" &
        master=$!
      fi
      last=$new
    else
      echo "envoy (haproxy): configuration rejected: $out" >&2
    fi
  fi
  if [ -n "$master" ] && ! kill -0 "$master" 2>/dev/null; then
    echo "envoy (haproxy): haproxy exited; starting it again" >&2
    master="" last=""
  fi
  sleep 1
done
