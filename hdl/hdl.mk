# hdl/: the flowsteer core (Verilog-2005), its lint, the Icarus full-pipeline
# testbench (testbench/hdl/) and synthesis.
#
#   make hdl-lint    verilator -Wall on flowsteer_top (two configurations),
#                    iverilog -g2005 and yosys read the same sources
#   make hdl-icarus  Go model -> vectors (testbench/hdl/vecgen), then the
#                    self-checking Icarus bench; fails on any mismatch
#   make synth       yosys + nextpnr-ice40 (HX8K ct256, fitting config), the
#                    flow table alone on iCE40 (small geometry), and a
#                    generic yosys cell count of the full config (flow table
#                    included); 10-60 minutes (nextpnr's routing is cut at
#                    FS_PNR_TIMEOUT, default 3600 s, and then only the
#                    placement estimate is printed), so not part of
#                    `make test` (hdl/synth/synth.sh lists the knobs)
#
# The core sources are hdl/flowsteer_top.v and hdl/fs_*.v except the link
# bridge (fs_link_*.v, which sits outside the core).

HDL_CORE_SRCS := $(filter-out hdl/fs_link_%.v,$(wildcard hdl/flowsteer_top.v hdl/fs_*.v))
HDL_OUT       := build/hdl
HDL_VEC       := $(HDL_OUT)/vec
HDL_VEC_ARGS  ?= -per-trace 100 -max-beats 150000
IVERILOG      ?= iverilog
VVP           ?= vvp
YOSYS         ?= yosys

.PHONY: hdl-lint hdl-icarus hdl-vectors synth

hdl-lint:
	verilator --lint-only -Wall -Ihdl --top-module flowsteer_top $(HDL_CORE_SRCS)
	verilator --lint-only -Wall -Ihdl --top-module flowsteer_top \
		-GPARTITIONS=1 -GTM_BITS=4 -GFLOW_ENABLE=0 -GHASH_CHUNKS=5 $(HDL_CORE_SRCS)
	$(IVERILOG) -g2005 -Ihdl -s flowsteer_top -o /dev/null $(HDL_CORE_SRCS)
	$(YOSYS) -q -p 'read_verilog -Ihdl $(HDL_CORE_SRCS); hierarchy -check -top flowsteer_top; proc'
	@echo "hdl-lint: clean"

# Vector sets (testbench/hdl/vecgen): plain model; flow state at the full
# geometry (1024 x 4); flow state at a tiny geometry (4 x 2, many evictions);
# plain model with a port-443 rule into partition 2 (own key).
# Each has a COMMIT and two FLOW_CMD flushes in the middle of the traffic.
hdl-vectors:
	@mkdir -p $(HDL_VEC) $(HDL_VEC)_flow $(HDL_VEC)_flow_small $(HDL_VEC)_part
	$(GO) run ./testbench/hdl/vecgen -out $(HDL_VEC) $(HDL_VEC_ARGS)
	$(GO) run ./testbench/hdl/vecgen -out $(HDL_VEC)_flow $(HDL_VEC_ARGS) \
		-flow -flow-sets-log2 10 -flow-ways 4
	$(GO) run ./testbench/hdl/vecgen -out $(HDL_VEC)_flow_small $(HDL_VEC_ARGS) \
		-flow -flow-sets-log2 2 -flow-ways 2
	$(GO) run ./testbench/hdl/vecgen -out $(HDL_VEC)_part $(HDL_VEC_ARGS) -partitions

# hdl_icarus_run NAME VECDIR SEED PARAMS: compile and run one bench
# configuration; fails unless it prints PASSED and no RTL assertion printed
# an ERROR line.
define hdl_icarus_run
	$(IVERILOG) -g2005 -Ihdl -DVEC_DIR=\"$(2)\" -DSEED=$(3) $(foreach p,$(4),-Ptb_flowsteer.$(p)) \
		-o $(HDL_OUT)/tb_$(1).vvp testbench/hdl/tb_flowsteer.v $(HDL_CORE_SRCS)
	$(VVP) -n $(HDL_OUT)/tb_$(1).vvp | tee $(HDL_OUT)/tb_$(1).log | grep -v '^FAIL\|^ERROR' ; \
		grep -q 'tb_flowsteer: PASSED' $(HDL_OUT)/tb_$(1).log && ! grep -q '^ERROR' $(HDL_OUT)/tb_$(1).log || \
		{ grep '^FAIL\|^ERROR' $(HDL_OUT)/tb_$(1).log | head -20; exit 1; }
endef

# 1. full configuration (PARTITIONS=4, TM_BITS=8, flow table 1024 x 4),
#    flow state on; 2. the same core with CTRL.FLOW_EN off (plain model);
# 3. the HX8K configuration (no flow table, chunked hash); 4. a chunked core
#    with a 4 x 2 flow table, flow state on; 5. a chunked core with four
#    partitions, traffic in partition 2 (its key latched for the whole hash).
hdl-icarus: hdl-vectors
	@echo "== full configuration, flow state on"
	$(call hdl_icarus_run,full,$(HDL_VEC)_flow,1,)
	@echo "== full configuration, CTRL.FLOW_EN off"
	$(call hdl_icarus_run,full_nofe,$(HDL_VEC),3,)
	@echo "== HX8K configuration: PARTITIONS=1 TM_BITS=4 HASH_CHUNKS=5 FLOW_ENABLE=0"
	$(call hdl_icarus_run,small,$(HDL_VEC),7,PARTITIONS=1 TM_BITS=4 HASH_CHUNKS=5 FLOW_ENABLE=0)
	@echo "== PARTITIONS=1 TM_BITS=4 HASH_CHUNKS=4 flow table 4 x 2, flow state on"
	$(call hdl_icarus_run,flow_small,$(HDL_VEC)_flow_small,5,PARTITIONS=1 TM_BITS=4 HASH_CHUNKS=4 FLOW_SETS_LOG2=2 FLOW_WAYS=2)
	@echo "== PARTITIONS=4 HASH_CHUNKS=5, port 443 in partition 2 (own key), runts after it"
	$(call hdl_icarus_run,part_chunked,$(HDL_VEC)_part,9,HASH_CHUNKS=5 FLOW_ENABLE=0)

synth:
	@mkdir -p $(HDL_OUT)/synth
	hdl/synth/synth.sh $(HDL_OUT)/synth $(HDL_CORE_SRCS)

TEST_TARGETS += hdl-lint hdl-icarus
