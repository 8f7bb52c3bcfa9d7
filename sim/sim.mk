# sim/: Verilator build of flowsteer_sim_top (hdl/ core + link bridge +
# sim/rtl wrapper), the C shim that cgo links, and the C++ baseline bench.
#
#   make sim-lib     build/sim/libflowsteer_sim.a (what package sim links)
#   make sim-lint    verilator -Wall lint of the sim-only wrapper
#   make sim-bench   Go co-sim vs plain C++ harness on real captures
#
# The Go package github.com/flowsteer/flowsteer/sim only compiles once the
# library exists, so go-vet, go-test and the CLI build depend on it here.
# SIM_HDL_DIR=sim/testdata/standin builds against the throwaway stand-in
# (development only; the stamp file forces a rebuild when it changes back).

SIM_HDL_DIR   ?= hdl
SIM_OUT       := build/sim
SIM_MDIR      := $(SIM_OUT)/obj
SIM_TOP       := flowsteer_sim_top
SIM_LIB       := $(SIM_OUT)/libflowsteer_sim.a
SIM_BENCH_BIN := $(SIM_OUT)/fs_bench
SIM_TRACE     ?= 1
SIM_PARAMS    := -GPARTITIONS=4 -GTM_BITS=8 -GFLOW_ENABLE=1 -GFLOW_SETS_LOG2=10 -GFLOW_WAYS=4
VERILATOR     ?= verilator
VL_INC        := $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)/include

SIM_HDL_SRCS  := $(wildcard $(SIM_HDL_DIR)/*.v $(SIM_HDL_DIR)/*.vh $(SIM_HDL_DIR)/*.sv $(SIM_HDL_DIR)/*.svh)
SIM_RTL_SRCS  := sim/rtl/$(SIM_TOP).v
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
SIM_VFLAGS := --cc --build -j 2 -O3 --x-assign fast --x-initial fast --noassert \
	-Wno-fatal --top-module $(SIM_TOP) $(SIM_PARAMS) $(SIM_VFLAGS_TRACE) \
	-y $(SIM_HDL_DIR) -I$(SIM_HDL_DIR) \
	-CFLAGS -fPIC -MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2"
SIM_CXXFLAGS := -std=gnu++17 -O2 -fPIC -faligned-new -I$(SIM_MDIR) -I$(VL_INC) -I$(VL_INC)/vltstd \
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

$(SIM_MDIR)/V$(SIM_TOP)__ALL.a: $(SIM_RTL_SRCS) $(SIM_HDL_SRCS) $(SIM_STAMP) sim/sim.mk
	@test -f $(SIM_HDL_DIR)/flowsteer_top.v || { echo "sim: $(SIM_HDL_DIR)/flowsteer_top.v missing (RTL not written yet?)" >&2; exit 1; }
	rm -rf $(SIM_MDIR)
	$(VERILATOR) $(SIM_VFLAGS) --Mdir $(SIM_MDIR) $(SIM_RTL_SRCS)
	@# --cc without --exe leaves the runtime unbuilt; use its own rules and flags
	$(MAKE) -j2 -C $(SIM_MDIR) -f V$(SIM_TOP).mk OPT_FAST=-O2 OPT_GLOBAL=-O2 USER_CPPFLAGS=-fPIC $(SIM_VL_GLOBALS)
	cd $(SIM_MDIR) && rm -f libverilated.a && ar rcs libverilated.a $(SIM_VL_GLOBALS)

$(SIM_OUT)/fs_sim.o: sim/csrc/fs_sim.cpp sim/csrc/fs_sim.h $(SIM_MDIR)/V$(SIM_TOP)__ALL.a
	$(CXX) $(SIM_CXXFLAGS) -c -o $@ $<

# One archive for cgo: model, Verilator runtime and shim.
$(SIM_LIB): $(SIM_MDIR)/V$(SIM_TOP)__ALL.a $(SIM_OUT)/fs_sim.o
	rm -f $@
	printf 'create %s\naddlib %s\naddlib %s\naddmod %s\nsave\nend\n' $@ \
		$(SIM_MDIR)/V$(SIM_TOP)__ALL.a $(SIM_MDIR)/libverilated.a $(SIM_OUT)/fs_sim.o | ar -M
	sim/gen_stamp.sh $@ sim/libstamp_gen.go

$(SIM_BENCH_BIN): sim/bench/fs_bench.cpp $(SIM_MDIR)/V$(SIM_TOP)__ALL.a
	$(CXX) $(SIM_CXXFLAGS) -o $@ $< $(SIM_MDIR)/V$(SIM_TOP)__ALL.a $(SIM_MDIR)/libverilated.a -lz -lpthread

sim-lint:
	$(VERILATOR) --lint-only -Wall --top-module $(SIM_TOP) -y $(SIM_HDL_DIR) -I$(SIM_HDL_DIR) $(SIM_RTL_SRCS)
	$(VERILATOR) --lint-only -Wall --top-module $(SIM_TOP) -y sim/testdata/standin $(SIM_RTL_SRCS)

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
