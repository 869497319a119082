// Command harness runs declarative chaos scenarios against Kubernetes
// control planes on real kind clusters and judges whether the self-healing
// components recovered within their SLOs.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/harness-dev/harness/internal/app"
)

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		fmt.Fprintf(os.Stderr, "\n%s: reverting faults and deleting the cluster; press Ctrl-C again to exit at once\n", sig)
		cancel(fmt.Errorf("received %s", sig))
		<-sigs
		fmt.Fprintln(os.Stderr, "exiting at once: run `harness cleanup` to undo what is left")
		os.Exit(130)
	}()
	err := app.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
	}
	os.Exit(app.ExitCode(err))
}
