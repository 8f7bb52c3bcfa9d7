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
SIM_TR_MDIR   := $(SIM_OUT)/obj_trace
SIM_BR_MDIR   := $(SIM_OUT)/obj_bridge
SIM_TOP       := flowsteer_top
SIM_TR_PREFIX := Vflowsteer_top_tr
SIM_BR_TOP    := fs_link_bridge
SIM_LIB       := $(SIM_OUT)/libflowsteer_sim.a
SIM_BENCH_BIN := $(SIM_OUT)/fs_bench
SIM_TRACE     ?= 1
SIM_PARAMS    := -GPARTITIONS=4 -GTM_BITS=8 -GFLOW_ENABLE=1 -GFLOW_SETS_LOG2=10 -GFLOW_WAYS=4
VERILATOR     ?= verilator
VL_INC        := $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)/include

SIM_HDL_SRCS  := $(wildcard $(SIM_HDL_DIR)/*.v $(SIM_HDL_DIR)/*.vh $(SIM_HDL_DIR)/*.sv $(SIM_HDL_DIR)/*.svh)
SIM_STAMP     := $(SIM_OUT)/hdl_dir.stamp

# The core is built twice: a plain model (every run without a waveform, and
# the C++ harness) and, with SIM_TRACE=1, a traced one (--trace-fst,
# prefix $(SIM_TR_PREFIX)) that a simulator asked for an FST uses. Compiled
# in, tracing costs 6-9% of every cycle even with no file open.
SIM_DEFS_PLAIN  := -DVM_TRACE=0 -DVM_TRACE_FST=0 -DVM_TRACE_VCD=0
SIM_DEFS_TRACED := -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_TRACE_VCD=0
ifeq ($(SIM_TRACE),1)
SIM_RT_MDIR      := $(SIM_TR_MDIR)
SIM_VL_GLOBALS   := verilated.o verilated_threads.o verilated_fst_c.o
SIM_TR_ARCHIVE   := $(SIM_TR_MDIR)/$(SIM_TR_PREFIX)__ALL.a
SIM_SHIM_OBJS    := $(SIM_OUT)/fs_sim_plain.o $(SIM_OUT)/fs_sim_traced.o $(SIM_OUT)/fs_sim_api.o
else
SIM_RT_MDIR      := $(SIM_MDIR)
SIM_VL_GLOBALS   := verilated.o verilated_threads.o
SIM_TR_ARCHIVE   :=
SIM_SHIM_OBJS    := $(SIM_OUT)/fs_sim_plain.o $(SIM_OUT)/fs_sim_api.o
endif
SIM_RT_LIB := $(SIM_RT_MDIR)/libverilated.a

# -O3 and fast X handling: the model is for speed; assertions belong to lint
# and Icarus. -fPIC so the archive links into PIE test binaries too.
SIM_VM_OPT := OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2
SIM_VFLAGS_COMMON := --cc --build -j 2 -O3 --x-assign fast --x-initial fast --noassert \
	-Wno-fatal -y $(SIM_HDL_DIR) -I$(SIM_HDL_DIR) \
	-CFLAGS -fPIC -MAKEFLAGS "$(SIM_VM_OPT)"
SIM_VFLAGS := $(SIM_VFLAGS_COMMON) --top-module $(SIM_TOP) $(SIM_PARAMS)
SIM_TR_VFLAGS := $(SIM_VFLAGS) --trace-fst --prefix $(SIM_TR_PREFIX)
SIM_BR_VFLAGS := $(SIM_VFLAGS_COMMON) --top-module $(SIM_BR_TOP)
SIM_CXXFLAGS := -std=gnu++17 -O2 -fPIC -faligned-new -I$(SIM_MDIR) -I$(SIM_TR_MDIR) -I$(SIM_BR_MDIR) \
	-I$(VL_INC) -I$(VL_INC)/vltstd -Isim/csrc -DVM_COVERAGE=0 -DVM_SC=0 \
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

# The plain model is compiled with GCC profile-guided optimisation: built
# once with -fprofile-generate, the C++ harness (sim/bench/fs_bench.cpp)
# replays the bundled capture through it, and the model is compiled again
# with -fprofile-use. The Go co-simulation and the C++ harness then run the
# same optimised object code. Measured on the 60 shared captures as one mix
# (C++ harness, this machine): 4.1 -> 4.5-4.8 Mcycles/s. SIM_PGO=0 skips it
# (the stand-in RTL never trains). Tracing models are not trained (rare
# runs; the FST writer dominates them).
SIM_PGO          ?= $(if $(filter hdl,$(SIM_HDL_DIR)),1,0)
SIM_TRAIN_CAPTURE := testdata/demo/many-protocols.pcap
SIM_TRAIN_FRAMES  := $(SIM_OUT)/train_frames.bin
SIM_VMAKE := $(MAKE) -C $(SIM_MDIR) -f V$(SIM_TOP).mk $(SIM_VM_OPT)
SIM_PGO_GEN := -fprofile-generate -fprofile-update=single
SIM_PGO_USE := -fprofile-use -fprofile-partial-training -Wno-missing-profile

$(SIM_TRAIN_FRAMES): $(SIM_TRAIN_CAPTURE) sim/cmd/framegen/main.go sim/framefile/framefile.go
	@mkdir -p $(SIM_OUT)
	$(GO) run ./sim/cmd/framegen -o $@ $(SIM_TRAIN_CAPTURE)

$(SIM_MDIR)/V$(SIM_TOP)__ALL.a: $(SIM_HDL_SRCS) $(SIM_STAMP) sim/sim.mk $(if $(filter 1,$(SIM_PGO)),$(SIM_TRAIN_FRAMES))
	@test -f $(SIM_HDL_DIR)/flowsteer_top.v || { echo "sim: $(SIM_HDL_DIR)/flowsteer_top.v missing (RTL not written yet?)" >&2; exit 1; }
	rm -rf $(SIM_MDIR)
	$(VERILATOR) $(filter-out --build,$(SIM_VFLAGS)) --Mdir $(SIM_MDIR) $(SIM_HDL_DIR)/$(SIM_TOP).v
ifeq ($(SIM_PGO),1)
	$(SIM_VMAKE) -j2 VM_USER_CFLAGS="-fPIC $(SIM_PGO_GEN)" V$(SIM_TOP)__ALL.a verilated.o verilated_threads.o
	$(CXX) $(SIM_CXXFLAGS) $(SIM_DEFS_PLAIN) $(SIM_PGO_GEN) -o $(SIM_MDIR)/fs_train sim/bench/fs_bench.cpp \
		$(SIM_MDIR)/V$(SIM_TOP)__ALL.a $(SIM_MDIR)/verilated.o $(SIM_MDIR)/verilated_threads.o -lz -lpthread
	cd $(SIM_MDIR) && ./fs_train $(abspath $(SIM_TRAIN_FRAMES)) > train.txt
	rm -f $(SIM_MDIR)/*.o $(SIM_MDIR)/*.a $(SIM_MDIR)/fs_train
	$(SIM_VMAKE) -j2 VM_USER_CFLAGS="-fPIC $(SIM_PGO_USE)" V$(SIM_TOP)__ALL.a
else
	$(SIM_VMAKE) -j2 V$(SIM_TOP)__ALL.a
endif

$(SIM_TR_MDIR)/$(SIM_TR_PREFIX)__ALL.a: $(SIM_HDL_SRCS) $(SIM_STAMP) sim/sim.mk
	@test -f $(SIM_HDL_DIR)/flowsteer_top.v || { echo "sim: $(SIM_HDL_DIR)/flowsteer_top.v missing (RTL not written yet?)" >&2; exit 1; }
	rm -rf $(SIM_TR_MDIR)
	$(VERILATOR) $(SIM_TR_VFLAGS) --Mdir $(SIM_TR_MDIR) $(SIM_HDL_DIR)/$(SIM_TOP).v

# The Verilator runtime, once, from the traced model's rules when there is
# one (it then includes the FST writer): --cc without --exe leaves it unbuilt.
$(SIM_RT_LIB): $(if $(SIM_TR_ARCHIVE),$(SIM_TR_ARCHIVE),$(SIM_MDIR)/V$(SIM_TOP)__ALL.a)
	$(MAKE) -j2 -C $(SIM_RT_MDIR) -f $(if $(SIM_TR_ARCHIVE),$(SIM_TR_PREFIX),V$(SIM_TOP)).mk \
		$(SIM_VM_OPT) USER_CPPFLAGS=-fPIC $(SIM_VL_GLOBALS)
	cd $(SIM_RT_MDIR) && rm -f libverilated.a && ar rcs libverilated.a $(SIM_VL_GLOBALS)

# The bridge model: no parameters, no tracing.
$(SIM_BR_MDIR)/V$(SIM_BR_TOP)__ALL.a: $(SIM_HDL_SRCS) $(SIM_STAMP) sim/sim.mk
	@test -f $(SIM_HDL_DIR)/$(SIM_BR_TOP).v || { echo "sim: $(SIM_HDL_DIR)/$(SIM_BR_TOP).v missing" >&2; exit 1; }
	rm -rf $(SIM_BR_MDIR)
	$(VERILATOR) $(SIM_BR_VFLAGS) --Mdir $(SIM_BR_MDIR) $(SIM_HDL_DIR)/$(SIM_BR_TOP).v

# The shim is compiled once per core model, each copy in its own namespace
# (fs_sim.cpp), behind one C API (fs_sim_api.cpp).
SIM_SHIM_DEPS := sim/csrc/fs_sim.cpp sim/csrc/fs_sim.h sim/csrc/fs_sim_impl.h $(SIM_BR_MDIR)/V$(SIM_BR_TOP)__ALL.a
$(SIM_OUT)/fs_sim_plain.o: $(SIM_SHIM_DEPS) $(SIM_MDIR)/V$(SIM_TOP)__ALL.a
	$(CXX) $(SIM_CXXFLAGS) $(SIM_DEFS_PLAIN) -DFS_SIM_TRACE=0 -DFS_NS=fs_plain -DFS_CORE=V$(SIM_TOP) -c -o $@ $<
$(SIM_OUT)/fs_sim_traced.o: $(SIM_SHIM_DEPS) $(SIM_TR_ARCHIVE)
	$(CXX) $(SIM_CXXFLAGS) $(SIM_DEFS_TRACED) -DFS_SIM_TRACE=1 -DFS_NS=fs_traced -DFS_CORE=$(SIM_TR_PREFIX) -c -o $@ $<
$(SIM_OUT)/fs_sim_api.o: sim/csrc/fs_sim_api.cpp sim/csrc/fs_sim.h sim/csrc/fs_sim_impl.h $(SIM_STAMP)
	$(CXX) $(SIM_CXXFLAGS) -DFS_SIM_TRACE=$(SIM_TRACE) -c -o $@ $<

# One archive for cgo: the models, Verilator runtime and shims.
SIM_ARCHIVES := $(SIM_MDIR)/V$(SIM_TOP)__ALL.a $(SIM_TR_ARCHIVE) $(SIM_BR_MDIR)/V$(SIM_BR_TOP)__ALL.a $(SIM_RT_LIB)
$(SIM_LIB): $(SIM_ARCHIVES) $(SIM_SHIM_OBJS)
	rm -f $@
	{ echo "create $@"; for a in $(SIM_ARCHIVES); do echo "addlib $$a"; done; \
	  for o in $(SIM_SHIM_OBJS); do echo "addmod $$o"; done; echo save; echo end; } | ar -M
	sim/gen_stamp.sh $@ sim/libstamp_gen.go

# The C++ harness drives the plain model, as the Go side does without an FST.
$(SIM_BENCH_BIN): sim/bench/fs_bench.cpp $(SIM_MDIR)/V$(SIM_TOP)__ALL.a $(SIM_RT_LIB)
	$(CXX) $(SIM_CXXFLAGS) $(SIM_DEFS_PLAIN) -o $@ $< $(SIM_MDIR)/V$(SIM_TOP)__ALL.a $(SIM_RT_LIB) -lz -lpthread

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
