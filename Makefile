# harness: chaos / fault-injection tests for Kubernetes control planes.
SHELL := /bin/bash
GO ?= go
BIN := bin/harness
NODE_IMAGE ?= harness.dev/kind-node:v1.35.4
REPORT_DIR ?= _output/reports

.PHONY: all build tools test test-unit node-image docker selfheal-image run-lease-loss qualify examples bench bench-triggers vet clean

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

# Builds the offline kind node image (cached; skipped when up to date).
node-image: docker
	bash hack/node-image/build.sh $(NODE_IMAGE)

# The component under test of the qualification suite (static binary,
# `docker import`, no registry).
selfheal-image: docker
	bash hack/images/build.sh test/images/selfheal harness.dev/selfheal:dev

# Unit tests only: no Docker, no cluster.
test-unit:
	$(GO) test -short ./...

# Everything: unit tests and the end-to-end tests on real kind clusters,
# the example suites included. One qualification round runs the failures
# the examples do not already prove both ways: examples/ginkgo runs
# selfheal-supervisor and examples/e2eframework selfheal-discovery, each
# for the bug and the fixed variant (`make qualify` runs all of them).
QUALIFY_IN_TEST ?= selfheal-(certs|hooks|dataplane)
test: tools node-image
	QUALIFY_ONLY='$(QUALIFY_IN_TEST)' HARNESS_NODE_IMAGE=$(NODE_IMAGE) $(GO) test -p 1 -timeout 60m -count=1 ./...

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

# The harness's own overhead on a stock scenario (not part of `make test`).
bench: build node-image
	HARNESS_NODE_IMAGE=$(NODE_IMAGE) $(GO) test -run '^$$' -bench Overhead -benchtime 1x -timeout 30m ./test/e2e/

# Delay from a change sent to the apiserver to a watch-based trigger firing.
bench-triggers: node-image
	HARNESS_NODE_IMAGE=$(NODE_IMAGE) $(GO) test -run '^$$' -bench TriggerLatency -benchtime 1x -timeout 30m ./faults/

clean:
	rm -rf bin _output
