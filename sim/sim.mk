# sim/: Verilator builds of the core (hdl/flowsteer_top.v) and of the link
# bridge (hdl/fs_link_bridge.v) as two separate models, the C shim that cgo
# links and that wires them together, and the C++ baseline bench.
#
#   make sim-lib     build/sim/libflowsteer_sim.a (what package sim links)
#   make sim-lint    verilator -Wall lint of the bridge (the core: hdl-lint)
#   make sim-bench   Go co-sim vs plain C++ harness on real captures
#
# Two models, not one wrapper: with the bridge in the core's model (as a
# gated-clock domain) Verilator split the core's sequential logic around the
# bridge's and kept shadow copies of the 1280-bit key, MAC and rule
# registers, and evaluated the bridge's input logic on every edge: about a
# quarter of every cycle with the bridge idle. The shim evaluates the bridge
# model only in link mode (and in reset).
#
# The Go package github.com/flowsteer/flowsteer/sim only compiles once the
# library exists, so go-vet, go-test and the CLI build depend on it here.
# SIM_HDL_DIR=sim/testdata/standin builds against the throwaway stand-in
# (development only; the stamp file forces a rebuild when it changes back).

SIM_HDL_DIR   ?= hdl
SIM_OUT       := build/sim
SIM_MDIR      := $(SIM_OUT)/obj
SIM_BR_MDIR   := $(SIM_OUT)/obj_bridge
SIM_TOP       := flowsteer_top
SIM_BR_TOP    := fs_link_bridge
SIM_LIB       := $(SIM_OUT)/libflowsteer_sim.a
SIM_BENCH_BIN := $(SIM_OUT)/fs_bench
SIM_TRACE     ?= 1
SIM_PARAMS    := -GPARTITIONS=4 -GTM_BITS=8 -GFLOW_ENABLE=1 -GFLOW_SETS_LOG2=10 -GFLOW_WAYS=4
VERILATOR     ?= verilator
VL_INC        := $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)/include

SIM_HDL_SRCS  := $(wildcard $(SIM_HDL_DIR)/*.v $(SIM_HDL_DIR)/*.vh $(SIM_HDL_DIR)/*.sv $(SIM_HDL_DIR)/*.svh)
SIM_STAMP     := $(SIM_OUT)/hdl_dir.stamp

ifeq ($(SIM_TRACE),1)
SIM_VFLAGS_TRACE := --trace-fst
SIM_VL_GLOBALS   := verilated.o verilated_threads.o verilated_fst_c.o
SIM_DEFS_TRACE   := -DFS_SIM_TRACE=1 -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_TRACE_VCD=0
else
SIM_VL_GLOBALS   := verilated.o verilated_threads.o
SIM_DEFS_TRACE   := -DFS_SIM_TRACE=0 -DVM_TRACE=0 -DVM_TRACE_FST=0 -DVM_TRACE_VCD=0
endif

# -O3 and fast X handling: the model is for speed; assertions belong to lint
# and Icarus. -fPIC so the archive links into PIE test binaries too.
SIM_VFLAGS_COMMON := --cc --build -j 2 -O3 --x-assign fast --x-initial fast --noassert \
	-Wno-fatal -y $(SIM_HDL_DIR) -I$(SIM_HDL_DIR) \
	-CFLAGS -fPIC -MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2"
SIM_VFLAGS := $(SIM_VFLAGS_COMMON) --top-module $(SIM_TOP) $(SIM_PARAMS) $(SIM_VFLAGS_TRACE)
SIM_BR_VFLAGS := $(SIM_VFLAGS_COMMON) --top-module $(SIM_BR_TOP)
SIM_CXXFLAGS := -std=gnu++17 -O2 -fPIC -faligned-new -I$(SIM_MDIR) -I$(SIM_BR_MDIR) -I$(VL_INC) -I$(VL_INC)/vltstd \
	-Isim/csrc -DVM_COVERAGE=0 -DVM_SC=0 $(SIM_DEFS_TRACE) \
	-DFS_SIM_HDL_DIR='"$(SIM_HDL_DIR)"' -DFS_SIM_PARAMS='"$(subst $(sim_space),$(sim_comma),$(subst -G,,$(strip $(SIM_PARAMS))))"'
sim_comma := ,
sim_space := $() $()

.PHONY: sim-lib sim-lint sim-bench sim-clean

sim-lib: $(SIM_LIB)

# Rewritten only when SIM_HDL_DIR/SIM_TRACE change, so switching between the
# stand-in and hdl/ (or tracing on/off) rebuilds and nothing else does.
$(SIM_STAMP): FORCE
	@mkdir -p $(SIM_OUT)
	@echo "$(SIM_HDL_DIR) trace=$(SIM_TRACE)" | cmp -s - $@ || echo "$(SIM_HDL_DIR) trace=$(SIM_TRACE)" > $@

$(SIM_MDIR)/V$(SIM_TOP)__ALL.a: $(SIM_HDL_SRCS) $(SIM_STAMP) sim/sim.mk
	@test -f $(SIM_HDL_DIR)/flowsteer_top.v || { echo "sim: $(SIM_HDL_DIR)/flowsteer_top.v missing (RTL not written yet?)" >&2; exit 1; }
	rm -rf $(SIM_MDIR)
	$(VERILATOR) $(SIM_VFLAGS) --Mdir $(SIM_MDIR) $(SIM_HDL_DIR)/$(SIM_TOP).v
	@# --cc without --exe leaves the runtime unbuilt; use its own rules and flags
	$(MAKE) -j2 -C $(SIM_MDIR) -f V$(SIM_TOP).mk OPT_FAST=-O2 OPT_GLOBAL=-O2 USER_CPPFLAGS=-fPIC $(SIM_VL_GLOBALS)
	cd $(SIM_MDIR) && rm -f libverilated.a && ar rcs libverilated.a $(SIM_VL_GLOBALS)

# The bridge model: no parameters, no tracing; the runtime comes from the
# core's build.
$(SIM_BR_MDIR)/V$(SIM_BR_TOP)__ALL.a: $(SIM_HDL_SRCS) $(SIM_STAMP) sim/sim.mk
	@test -f $(SIM_HDL_DIR)/$(SIM_BR_TOP).v || { echo "sim: $(SIM_HDL_DIR)/$(SIM_BR_TOP).v missing" >&2; exit 1; }
	rm -rf $(SIM_BR_MDIR)
	$(VERILATOR) $(SIM_BR_VFLAGS) --Mdir $(SIM_BR_MDIR) $(SIM_HDL_DIR)/$(SIM_BR_TOP).v

$(SIM_OUT)/fs_sim.o: sim/csrc/fs_sim.cpp sim/csrc/fs_sim.h $(SIM_MDIR)/V$(SIM_TOP)__ALL.a $(SIM_BR_MDIR)/V$(SIM_BR_TOP)__ALL.a
	$(CXX) $(SIM_CXXFLAGS) -c -o $@ $<

# One archive for cgo: both models, Verilator runtime and shim.
$(SIM_LIB): $(SIM_MDIR)/V$(SIM_TOP)__ALL.a $(SIM_BR_MDIR)/V$(SIM_BR_TOP)__ALL.a $(SIM_OUT)/fs_sim.o
	rm -f $@
	printf 'create %s\naddlib %s\naddlib %s\naddlib %s\naddmod %s\nsave\nend\n' $@ \
		$(SIM_MDIR)/V$(SIM_TOP)__ALL.a $(SIM_BR_MDIR)/V$(SIM_BR_TOP)__ALL.a \
		$(SIM_MDIR)/libverilated.a $(SIM_OUT)/fs_sim.o | ar -M
	sim/gen_stamp.sh $@ sim/libstamp_gen.go

$(SIM_BENCH_BIN): sim/bench/fs_bench.cpp $(SIM_MDIR)/V$(SIM_TOP)__ALL.a
	$(CXX) $(SIM_CXXFLAGS) -o $@ $< $(SIM_MDIR)/V$(SIM_TOP)__ALL.a $(SIM_MDIR)/libverilated.a -lz -lpthread

sim-lint:
	$(VERILATOR) --lint-only -Wall --top-module $(SIM_BR_TOP) -y $(SIM_HDL_DIR) -I$(SIM_HDL_DIR) $(SIM_HDL_DIR)/$(SIM_BR_TOP).v
	$(VERILATOR) --lint-only -Wall --top-module $(SIM_BR_TOP) -y sim/testdata/standin sim/testdata/standin/$(SIM_BR_TOP).v
	$(VERILATOR) --lint-only -Wall --top-module $(SIM_TOP) -y sim/testdata/standin sim/testdata/standin/$(SIM_TOP).v

sim-bench: $(SIM_LIB) $(SIM_BENCH_BIN)
	$(GO) run ./sim/cmd/simbench -cbench $(SIM_BENCH_BIN) -frames $(SIM_OUT)/bench_frames.bin

sim-clean:
	rm -rf $(SIM_OUT) sim/libstamp_gen.go

GO_TEST_DEPS  += $(SIM_LIB)
TEST_TARGETS  += sim-lint
BENCH_TARGETS += sim-bench

# Everything that compiles package sim needs the archive first.
go-vet: $(SIM_LIB)
$(FLOWSTEER): $(SIM_LIB)
