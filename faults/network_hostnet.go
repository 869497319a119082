package faults

// A hostNetwork Pod shares its node's network namespace, so a rule in "its"
// network would cut the whole node. Instead, like a component's edge
// (cutEdge), its container's processes join a net_cls cgroup whose class
// an iptables rule of the node drops. The processes are found by the Pod's
// cgroup: the parent of the container's own cgroup (from the containerd
// task's PID, /proc/PID/cgroup), which holds every container of the Pod,
// so hostPID Pods, children started later and containers the kubelet
// restarts during the fault are cut too.

// cutContainer: $1 container ID, $2 class ID, $3 cgroup, $4 pid file, $5
// the net_cls mount point, $6 the enroll loop, the rest an iptables rule
// that matches the class. Finds the container's cgroup (any hierarchy but
// net_cls that the node mounts under /sys/fs/cgroup, or the unified one)
// and its Pod's (the parent, named pod<UID> by the kubelet's cgroupfs or
// systemd driver; else the container's own), enrolls their processes and
// inserts the rule.
const cutContainer = containerPIDFn + `set -e
id=$1 classid=$2 cg=$3 pidfile=$4 root=$5 loop=$6; shift 6
pid=$(container_pid "$id")
[ -n "$pid" ] || { echo "container $id has no running task"; exit 1; }
procs=""
while IFS=: read -r _ ctrls path; do
  case ",$ctrls," in
    *,net_cls,*) continue ;;
    ,,) f="/sys/fs/cgroup$path/cgroup.procs" ;;
    *) f="/sys/fs/cgroup/${ctrls#name=}$path/cgroup.procs" ;;
  esac
  if [ -f "$f" ] && [ "$path" != / ]; then procs=$f; break; fi
done <"/proc/$pid/cgroup"
[ -n "$procs" ] || { echo "no cgroup of container $id (task $pid) under /sys/fs/cgroup: $(tr '\n' ' ' <"/proc/$pid/cgroup")"; exit 1; }
scope=$(dirname "$procs")
case "$(basename "$(dirname "$scope")")" in *pod*) scope=$(dirname "$scope") ;; esac
mkdir -p "$root"
mountpoint -q "$root" || mount -t cgroup -o net_cls net_cls "$root" 2>/dev/null || mount -t cgroup -o net_cls,net_prio net_cls "$root" || {
  echo "no net_cls cgroup hierarchy: the host must have one (the kind provider mounts it for scenarios whose faults need it)"; exit 1; }
mkdir -p "$cg"
echo "$classid" >"$cg/net_cls.classid"
n=0
for p in $(cat "$scope/cgroup.procs" "$scope"/*/cgroup.procs 2>/dev/null); do echo "$p" >"$cg/cgroup.procs" 2>/dev/null && n=$((n + 1)) || true; done
iptables -w -I "$@"
setsid sh -c "$loop" enroll "$scope" "$cg" </dev/null >/dev/null 2>&1 &
echo $! >"$pidfile"
echo "container $id: $n processes of $scope in class $classid"`

// enrollCgroupLoop: $1 the Pod's (or container's) cgroup directory, $2
// the net_cls cgroup. Every 200ms, while both exist, moves the processes of
// the directory and of its child cgroups (the Pod's containers, restarted
// ones included) into the net_cls cgroup.
const enrollCgroupLoop = `while [ -d "$2" ] && [ -d "$1" ]; do
  for p in $(cat "$1/cgroup.procs" "$1"/*/cgroup.procs 2>/dev/null); do echo "$p" >"$2/cgroup.procs" 2>/dev/null || true; done
  sleep 0.2
done`
