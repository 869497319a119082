package app

import (
	"log/slog"

	"k8s.io/klog/v2"
)

// quietClientGo routes client-go's own logging (klog) into the run's log
// with -v, and drops it without: during an apiserver outage every watch
// reports its failed reconnects, which the harness records as an outage in
// the timeline anyway. klog is process-wide, so the last run's choice holds.
func quietClientGo(log *slog.Logger, verbose bool) {
	if verbose {
		klog.SetSlogLogger(log)
		return
	}
	klog.SetSlogLogger(slog.New(slog.DiscardHandler))
}
