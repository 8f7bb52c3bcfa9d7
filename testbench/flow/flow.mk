# testbench/flow/: unit bench of hdl/fs_flow_table.v against the Go model
# host.FlowTable (SPEC 5). Included by the top Makefile:
#
#   -include testbench/flow/flow.mk
#
#   make flow-icarus   vectors from the model for seven geometries, Icarus
#                      replay, "N passed, M failed"; fails on any mismatch
#   make flow-lint     verilator -Wall / iverilog / yosys on fs_flow_table
#                      in several geometries

FLOW_OUT  ?= build/flow
FLOW_SRCS := hdl/fs_flow_table.v hdl/fs_flow_ram.v

.PHONY: flow-icarus flow-lint

flow-icarus:
	GO=$(GO) bash testbench/flow/run.sh $(FLOW_OUT)

flow-lint:
	verilator --lint-only -Wall --top-module fs_flow_table $(FLOW_SRCS)
	verilator --lint-only -Wall --top-module fs_flow_table -GSETS_LOG2=0 -GWAYS=1 -GTM_BITS=1 $(FLOW_SRCS)
	verilator --lint-only -Wall --top-module fs_flow_table -GSETS_LOG2=3 -GWAYS=8 -GTM_BITS=3 $(FLOW_SRCS)
	iverilog -g2005 -Wall -s fs_flow_table -o /dev/null $(FLOW_SRCS)
	yosys -q -p 'read_verilog $(FLOW_SRCS); hierarchy -check -top fs_flow_table; proc'

TEST_TARGETS += flow-lint flow-icarus
