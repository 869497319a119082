# harness: chaos / fault-injection tests for Kubernetes control planes.
SHELL := /bin/bash
GO ?= go
BIN := bin/harness
KUBERNETES_VERSION ?= v1.35.4
NODE_IMAGE ?= harness.dev/kind-node:$(KUBERNETES_VERSION)
# Releases besides the default that `make test-versions` builds and runs
# (one cold image is about 25-30 minutes on 2 cores: not part of `make test`).
OTHER_KUBERNETES_VERSIONS ?= v1.36.3 v1.37.2
REPORT_DIR ?= _output/reports

.PHONY: all build tools test test-unit node-image node-image-inputs lb-image test-versions test-ha docker selfheal-image run-lease-loss qualify examples bench-suite bench-triggers vet clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/harness

vet:
	$(GO) vet ./...

# Starts a Docker daemon (installing Debian's docker.io and the capability
# shim when the host needs them).
docker:
	bash hack/docker/ensure-docker.sh

# Host tools the tests use besides Docker: xmllint (JUnit schema check) and
# Debian's chromium (the HTML report is checked in a headless browser).
tools:
	@command -v xmllint >/dev/null || { apt-get install -y libxml2-utils || { apt-get update && apt-get install -y libxml2-utils; }; }
	@command -v chromium >/dev/null || { apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; }

# Builds the offline kind node image of KUBERNETES_VERSION (cached; skipped
# when up to date): `make node-image KUBERNETES_VERSION=v1.36.3`.
node-image: docker
	bash hack/node-image/build.sh --kubernetes-version $(KUBERNETES_VERSION) $(NODE_IMAGE)

# kind's load balancer for clusters with several control-plane nodes,
# built from Debian's haproxy under the name kind expects (hack/lb-image).
lb-image: docker
	bash hack/lb-image/build.sh

# Another Kubernetes release end to end, for each of OTHER_KUBERNETES_VERSIONS:
# build its node image (etcd, CoreDNS and pause as its kubeadm lists them),
# then run a stock scenario on it with --kubernetes-version. Not part of
# `make test` (a cold image does not fit CI's time); the unit tests cover
# the choice of image by version without building one.
test-versions: build docker
	set -e; for v in $(OTHER_KUBERNETES_VERSIONS); do \
	  nice -n 19 bash hack/node-image/build.sh --kubernetes-version $$v; \
	  $(BIN) run --kubernetes-version $$v --report-dir $(REPORT_DIR)/$$v scenarios/kill-controller-manager.yaml; \
	done

# Three control-plane nodes behind kind's load balancer: the node of the
# leading kube-controller-manager is powered off (not part of `make test`:
# three control planes on 2 cores take minutes to create).
test-ha: build node-image lb-image
	$(BIN) run --node-image $(NODE_IMAGE) --report-dir $(REPORT_DIR) scenarios/ha-reboot-controller-manager-leader.yaml

# The node image's input hash (a CI cache key).
node-image-inputs:
	@bash hack/node-image/build.sh --print-inputs --kubernetes-version $(KUBERNETES_VERSION)

# The component under test of the qualification suite (static binary,
# `docker import`, no registry).
selfheal-image: docker
	bash hack/images/build.sh test/images/selfheal harness.dev/selfheal:dev

# Unit tests only: no Docker, no cluster.
test-unit:
	$(GO) test -short ./...

# Everything: the decoder's fuzz test (FUZZTIME), unit tests and the
# end-to-end tests on real kind clusters,
# the example suites included. One qualification round runs the failures
# the examples do not already prove both ways: examples/ginkgo runs
# selfheal-supervisor and examples/e2eframework selfheal-discovery, each
# for the bug and the fixed variant (`make qualify` runs all of them).
QUALIFY_IN_TEST ?= selfheal-(certs|hooks|dataplane)
# FUZZTIME: how much the scenario decoder is fuzzed first (FuzzDecode), as
# a count of executions (about 15-20 s here): a duration races Go's fuzz
# coordinator at its deadline on a loaded machine and fails with a bare
# "context deadline exceeded" and no failing input (golang/go#75804, fixed
# in Go 1.27; seen in this project's CI run of 2026-12-01).
FUZZTIME ?= 60000x
#
# Three stages: the fuzz test and every unit test (-short, seconds); the
# packages with cluster tests, two at a time (each runs its tests on one
# cluster of its own, shared by its tests); then test/e2e alone (it runs
# two clusters at once itself). On 2 cores, more clusters at once starve
# the control planes and SLOs measure the host, not the component.
CLUSTER_TEST_PKGS ?= ./test/qualify/ ./faults/ ./examples/e2eframework/ ./test/assertions/ ./examples/ginkgo/ ./clusters/kind/
CLUSTER_TEST_P ?= 2
test: tools node-image
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime=$(FUZZTIME) ./scenarios/
	$(GO) test -short -count=1 ./...
	QUALIFY_ONLY='$(QUALIFY_IN_TEST)' HARNESS_NODE_IMAGE=$(NODE_IMAGE) $(GO) test -p $(CLUSTER_TEST_P) -timeout 60m -count=1 $(CLUSTER_TEST_PKGS)
	HARNESS_NODE_IMAGE=$(NODE_IMAGE) $(GO) test -timeout 60m -count=1 ./test/e2e/

# The Go API examples alone: a Ginkgo suite and an e2e-framework suite,
# each running a stock scenario for a broken and a fixed component on one
# kind cluster (about 4 minutes each; also part of `make test`).
examples: node-image
	HARNESS_NODE_IMAGE=$(NODE_IMAGE) $(GO) test -count=1 -p 1 -timeout 40m -v ./examples/...

# The main job: a stock scenario end to end.
run-lease-loss: build node-image
	$(BIN) run --node-image $(NODE_IMAGE) --report-dir $(REPORT_DIR) scenarios/lease-loss.yaml

# The qualification suite: the five documented self-healing failures (every
# bug variant must fail for its reason, every fixed variant must pass) and the
# stock control-plane scenarios, QUALIFY_ROUNDS times on one shared cluster.
# The table goes to _output/qualify/table.md. (`make test` runs one round of
# three of the five failures; the examples prove the other two.)
QUALIFY_ROUNDS ?= 3
qualify: node-image
	QUALIFY_ROUNDS=$(QUALIFY_ROUNDS) QUALIFY_STOCK=1 QUALIFY_OUT=$(CURDIR)/_output/qualify \
	HARNESS_NODE_IMAGE=$(NODE_IMAGE) $(GO) test -count=1 -timeout 300m -run TestIntegrationQualify -v ./test/qualify/

# The eight stock scenarios on one shared cluster vs one cluster each: total
# times, their floor and the overhead per scenario (not part of `make test`).
bench-suite: build node-image
	HARNESS_NODE_IMAGE=$(NODE_IMAGE) $(GO) test -run '^$$' -bench IntegrationSuite -benchtime 1x -timeout 90m ./test/e2e/

# Delay from a change sent to the apiserver to a watch-based trigger firing.
bench-triggers: node-image
	HARNESS_NODE_IMAGE=$(NODE_IMAGE) $(GO) test -run '^$$' -bench TriggerLatency -benchtime 1x -timeout 30m ./faults/

clean:
	rm -rf bin _output
