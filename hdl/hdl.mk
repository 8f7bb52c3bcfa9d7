# hdl/: the flowsteer core (Verilog-2005), its lint, the Icarus full-pipeline
# testbench (testbench/hdl/) and synthesis.
#
#   make hdl-lint    verilator -Wall on flowsteer_top (two configurations),
#                    iverilog -g2005 and yosys read the same sources
#   make hdl-icarus  Go model -> vectors (testbench/hdl/vecgen), then the
#                    self-checking Icarus bench; fails on any mismatch
#   make synth       yosys + nextpnr-ice40 (HX8K ct256, fitting config) and a
#                    generic yosys cell count of the full config; several
#                    minutes, so not part of `make test`
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
		-GPARTITIONS=1 -GTM_BITS=4 -GFLOW_ENABLE=0 -GHASH_CHUNKS=4 $(HDL_CORE_SRCS)
	$(IVERILOG) -g2005 -Ihdl -s flowsteer_top -o /dev/null $(HDL_CORE_SRCS)
	$(YOSYS) -q -p 'read_verilog -Ihdl $(HDL_CORE_SRCS); hierarchy -check -top flowsteer_top; proc'
	@echo "hdl-lint: clean"

hdl-vectors:
	@mkdir -p $(HDL_VEC)
	$(GO) run ./testbench/hdl/vecgen -out $(HDL_VEC) $(HDL_VEC_ARGS)

# Full configuration, then the fitting configuration (chunked hash).
hdl-icarus: hdl-vectors
	$(IVERILOG) -g2005 -Ihdl -DVEC_DIR=\"$(HDL_VEC)\" -o $(HDL_OUT)/tb_full.vvp \
		testbench/hdl/tb_flowsteer.v $(HDL_CORE_SRCS)
	$(VVP) -n $(HDL_OUT)/tb_full.vvp | tee $(HDL_OUT)/tb_full.log | grep -v '^FAIL' ; \
		grep -q 'tb_flowsteer: PASSED' $(HDL_OUT)/tb_full.log || \
		{ grep '^FAIL' $(HDL_OUT)/tb_full.log | head -20; exit 1; }
	$(IVERILOG) -g2005 -Ihdl -DVEC_DIR=\"$(HDL_VEC)\" -DSEED=7 \
		-Ptb_flowsteer.PARTITIONS=1 -Ptb_flowsteer.TM_BITS=4 -Ptb_flowsteer.HASH_CHUNKS=4 \
		-o $(HDL_OUT)/tb_small.vvp testbench/hdl/tb_flowsteer.v $(HDL_CORE_SRCS)
	$(VVP) -n $(HDL_OUT)/tb_small.vvp | tee $(HDL_OUT)/tb_small.log | grep -v '^FAIL' ; \
		grep -q 'tb_flowsteer: PASSED' $(HDL_OUT)/tb_small.log || \
		{ grep '^FAIL' $(HDL_OUT)/tb_small.log | head -20; exit 1; }

synth:
	@mkdir -p $(HDL_OUT)/synth
	hdl/synth/synth.sh $(HDL_OUT)/synth $(HDL_CORE_SRCS)

TEST_TARGETS += hdl-lint hdl-icarus
