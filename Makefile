# flowsteer: top-level build.
#
#   make demo    build everything, run the main job on the bundled capture
#   make test    every test: Go unit/property/e2e, RTL lint, Icarus, co-sim
#   make bench   benchmarks that print figures (throughput, link efficiency)
#   make synth   Yosys + nextpnr-ice40 reports
#
# Each part of the tree adds its own rules in <part>/<part>.mk and appends
# to TEST_TARGETS / BENCH_TARGETS / DEMO_TARGETS, so this file stays small.

SHELL      := /bin/bash
GO         ?= go
BIN        := $(CURDIR)/bin
FLOWSTEER  := $(BIN)/flowsteer
SHARED     ?= $(abspath $(CURDIR)/../shared)
export FLOWSTEER_SHARED := $(SHARED)

TEST_TARGETS  :=
BENCH_TARGETS :=
DEMO_TARGETS  :=

.PHONY: all deps build test bench demo synth clean go-test go-vet

all: build

# deps: install what a fresh Debian machine lacks (apt-get update once).
deps:
	@bash mk/deps.sh

-include hdl/hdl.mk
-include sim/sim.mk
-include driver/driver.mk
-include testbench/testbench.mk
-include testbench/flow/flow.mk
-include testbench/parser/parser.mk
-include testbench/counters/counters.mk

build: deps $(FLOWSTEER)

$(FLOWSTEER): FORCE
	@mkdir -p $(BIN)
	$(GO) build -o $(FLOWSTEER) ./tools/flowsteer

FORCE:

go-vet: deps
	$(GO) vet ./...

go-test: deps $(GO_TEST_DEPS)
	$(GO) test -count=1 -timeout 15m ./...

test: deps go-vet go-test $(TEST_TARGETS)
	@echo "make test: all passed"

bench: build $(BENCH_TARGETS)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s ./host/...

demo: build $(DEMO_TARGETS)
	@bash mk/demo.sh

clean:
	rm -rf $(BIN) build
