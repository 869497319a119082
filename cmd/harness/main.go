// Command harness runs declarative chaos scenarios against Kubernetes
// control planes on real kind clusters and judges whether the self-healing
// components recovered within their SLOs.
package main

import (
	"os"

	"github.com/harness-dev/harness/internal/app"
)

func main() { os.Exit(app.Main(os.Args[1:])) }
