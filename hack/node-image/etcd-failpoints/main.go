// Command etcd-failpoints is /usr/local/bin/etcd in the offline node
// image's etcd image: it starts the real etcd (/usr/local/libexec/etcd/etcd,
// built with etcd's gofail failpoints) with the same arguments and, unless
// the environment already says otherwise, GOFAIL_HTTP=127.0.0.1:22381, so
// that the gofail runtime serves the failpoints on the node's loopback
// (etcd is a hostNetwork static pod). kubeadm writes etcd's manifest without
// environment variables in every release, so the address is set here rather
// than in a kubeadm configuration. The real binary is exec'd: its process is
// named etcd, as kubeadm's is.
package main

import (
	"fmt"
	"os"
	"syscall"
)

const (
	real        = "/usr/local/libexec/etcd/etcd"
	defaultHTTP = "127.0.0.1:22381"
)

func main() {
	env := os.Environ()
	if _, ok := os.LookupEnv("GOFAIL_HTTP"); !ok {
		env = append(env, "GOFAIL_HTTP="+defaultHTTP)
	}
	args := append([]string{real}, os.Args[1:]...)
	err := syscall.Exec(real, args, env)
	fmt.Fprintf(os.Stderr, "etcd-failpoints: exec %s: %v\n", real, err)
	os.Exit(127)
}
