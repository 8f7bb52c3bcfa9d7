# testbench/counters/: unit bench of hdl/fs_counters.v (read-modify-write
# counters in block RAM with forwarding) against a behavioural count.
#
#   make counters-icarus   Icarus run; fails unless it prints PASSED

COUNTERS_OUT := build/counters

.PHONY: counters-icarus

counters-icarus:
	@mkdir -p $(COUNTERS_OUT)
	iverilog -g2005 -Ihdl -o $(COUNTERS_OUT)/tb_fs_counters.vvp \
		testbench/counters/tb_fs_counters.v hdl/fs_counters.v
	vvp -n $(COUNTERS_OUT)/tb_fs_counters.vvp | tee $(COUNTERS_OUT)/tb_fs_counters.log | tail -12
	@grep -q 'tb_fs_counters: PASSED' $(COUNTERS_OUT)/tb_fs_counters.log

TEST_TARGETS += counters-icarus
