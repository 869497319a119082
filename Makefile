# harness: chaos / fault-injection tests for Kubernetes control planes.
SHELL := /bin/bash
GO ?= go
BIN := bin/harness
NODE_IMAGE ?= harness.dev/kind-node:v1.35.4
REPORT_DIR ?= _output/reports

.PHONY: all build test test-unit node-image docker run-lease-loss bench bench-triggers vet clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/harness

vet:
	$(GO) vet ./...

# Starts a Docker daemon (installing Debian's docker.io and the capability
# shim when the host needs them).
docker:
	bash hack/docker/ensure-docker.sh

# Builds the offline kind node image (cached; skipped when up to date).
node-image: docker
	bash hack/node-image/build.sh $(NODE_IMAGE)

# Unit tests only: no Docker, no cluster.
test-unit:
	$(GO) test -short ./...

# Everything: unit tests and the end-to-end tests on real kind clusters.
test: node-image
	HARNESS_NODE_IMAGE=$(NODE_IMAGE) $(GO) test -p 1 -timeout 60m -count=1 ./...

# The main job: a stock scenario end to end.
run-lease-loss: build node-image
	$(BIN) run --node-image $(NODE_IMAGE) --report-dir $(REPORT_DIR) scenarios/lease-loss.yaml

# The harness's own overhead on a stock scenario (not part of `make test`).
bench: build node-image
	HARNESS_NODE_IMAGE=$(NODE_IMAGE) $(GO) test -run '^$$' -bench Overhead -benchtime 1x -timeout 30m ./test/e2e/

# Delay from a change sent to the apiserver to a watch-based trigger firing.
bench-triggers: node-image
	HARNESS_NODE_IMAGE=$(NODE_IMAGE) $(GO) test -run '^$$' -bench TriggerLatency -benchtime 1x -timeout 30m ./faults/

clean:
	rm -rf bin _output
