package faults

// Every command a fault runs in a node is an argument vector. Where a
// shell is needed (loops over /proc, pipes, files), the script is a
// constant of this file and every value (a process name, a container ID, a
// path, an iptables rule) is passed to it as a positional parameter ($1,
// $2, ...), never spliced into the script's text: no string of a scenario
// is ever parsed by a shell. The one exception is the hook of
// rebuild-static-pods, which is a shell command by design (see
// staticpods.go and docs/security.md).

// script returns the argv that runs the constant text with args as $1...
func script(text string, args ...string) []string {
	return append([]string{"sh", "-c", text, "harness"}, args...)
}

// findByNameFn defines find_by_name NAME [PIDNS]: it sets $pids to the
// processes whose executable (or, for interpreters, whose comm) is named
// NAME (/proc/PID/comm alone is cut at 15 characters); with PIDNS, only
// processes in that PID namespace.
const findByNameFn = `find_by_name() {
  pids=""
  for p in /proc/[0-9]*; do
    if [ -n "$2" ] && [ "$(readlink "$p/ns/pid" 2>/dev/null)" != "$2" ]; then continue; fi
    e=$(readlink "$p/exe" 2>/dev/null) || continue
    if [ "${e##*/}" = "$1" ] || [ "$(cat "$p/comm" 2>/dev/null)" = "$1" ]; then pids="$pids ${p#/proc/}"; fi
  done
}
`

// containerPIDFn defines container_pid ID: it prints the host PID of a
// containerd task of the node (the CRI's k8s.io namespace).
const containerPIDFn = `container_pid() { ctr -n k8s.io task ls | awk -v id="$1" '$1 == id {print $2}'; }
`

// signalByName: $1 signal, $2 process name. Fails when no process has the
// name; prints the PIDs signalled.
const signalByName = findByNameFn + `find_by_name "$2"
[ -n "$pids" ] || { echo "no process named $2"; exit 1; }
kill -s "$1" $pids && echo $pids`

// signalByNameIfAny: signalByName for reverts, which succeed when no
// process has the name (it is gone: nothing to undo).
const signalByNameIfAny = findByNameFn + `find_by_name "$2"
[ -z "$pids" ] || kill -s "$1" $pids
true`

// signalContainer: $1 signal, $2 container ID, $3 process name or empty
// for the container's main process. Fails when nothing matches; prints the
// PIDs signalled.
const signalContainer = findByNameFn + containerPIDFn + `pid=$(container_pid "$2")
[ -n "$pid" ] || { echo "container $2 has no running task"; exit 1; }
if [ -z "$3" ]; then kill -s "$1" "$pid" && echo "$pid"; exit; fi
find_by_name "$3" "$(readlink "/proc/$pid/ns/pid")"
[ -n "$pids" ] || { echo "no process named $3 in container $2"; exit 1; }
kill -s "$1" $pids && echo $pids`

// signalContainerIfAny: signalContainer for reverts: a container or
// process that is gone needs nothing.
const signalContainerIfAny = `(` + signalContainer + `) >/dev/null 2>&1; true`

// podNetns: $1 container ID. Prints the named network namespace (created by
// the CNI for the Pod sandbox) that the container's process is in.
const podNetns = containerPIDFn + `pid=$(container_pid "$1")
[ -n "$pid" ] || { echo "container $1 has no running task"; exit 1; }
want=$(stat -L -c %i "/proc/$pid/ns/net")
for f in /var/run/netns/*; do [ "$(stat -L -c %i "$f")" = "$want" ] && { basename "$f"; exit 0; }; done
echo "no named network namespace for container $1 (a hostNetwork Pod shares the node's)"; exit 1`

// deleteRules: $1 a named network namespace or empty for the node's own,
// the rest an iptables rule (the arguments of -I). Deletes every copy of the
// rule; succeeds when there is none, or when the namespace is gone.
const deleteRules = `ns=$1; shift
if [ -n "$ns" ]; then
  [ -e "/var/run/netns/$ns" ] || exit 0
  set -- ip netns exec "$ns" iptables -w -D "$@"
else
  set -- iptables -w -D "$@"
fi
while "$@" 2>/dev/null; do :; done
true`

// writeFile: $1 a path. Replaces the file with stdin atomically, through
// $1.harness beside it.
const writeFile = `cat > "$1.harness" && mv -f "$1.harness" "$1"`

// iptablesArgv is the argv of iptables in a named network namespace of the
// node, or in the node's own when netns is empty.
func iptablesArgv(netns string, args ...string) []string {
	if netns == "" {
		return append([]string{"iptables", "-w"}, args...)
	}
	return append([]string{"ip", "netns", "exec", netns, "iptables", "-w"}, args...)
}
