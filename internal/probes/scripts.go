package probes

// Every command a probe runs in a node is an argument vector; the shell
// and Perl snippets below are constants, and every value (a container ID,
// an address, a URL) is passed to them as an argument, never spliced into
// their text (the rule of faults/scripts.go).

// script returns the argv that runs the constant shell text with args as
// $1...
func script(text string, args ...string) []string {
	return append([]string{"sh", "-c", text, "harness-probe"}, args...)
}

// inContainerNetns: $1 a container ID of the node's containerd (the CRI's
// k8s.io namespace); the rest a command, run in that container's network
// namespace (nsenter -n: the Pod's network, the node's filesystem and
// tools). Exits 97 when the container has no running task.
const inContainerNetns = `pid=$(ctr -n k8s.io task ls | awk -v id="$1" '$1 == id {print $2}')
[ -n "$pid" ] || { echo "container $1 has no running task" >&2; exit 97; }
shift
exec nsenter -t "$pid" -n "$@"`

// dnsOverUDP is a Perl program: ARGV server address, timeout in seconds.
// It sends the DNS query read from stdin in one UDP datagram to port 53 of
// the server and prints the first answer datagram, or fails saying why.
// (The node image has no dig or nslookup, and getent would ask the node's
// own resolver, not the cluster's DNS.)
const dnsOverUDP = `use strict; use IO::Socket::IP;
my ($server, $timeout) = @ARGV;
binmode STDIN; binmode STDOUT;
local $/; my $q = <STDIN>;
my $s = IO::Socket::IP->new(PeerHost => $server, PeerPort => 53, Proto => 'udp') or die "socket to $server: $@\n";
defined $s->send($q) or die "send to $server: $!\n";
my $rin = ''; vec($rin, fileno($s), 1) = 1;
select(my $rout = $rin, undef, undef, $timeout) > 0 or die "no answer from $server within ${timeout}s\n";
defined $s->recv(my $r, 65535) or die "receive from $server: $!\n";
print $r;`
