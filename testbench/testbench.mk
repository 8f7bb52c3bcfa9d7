# testbench/: the Go co-simulation testbench (model vs Verilated RTL), the
# cosim/compare commands' end-to-end check and the co-simulation speed.
#
#   make tb-compare  bin/flowsteer compare on the bundled capture, rotating
#                    backpressure, a live table commit; exits 1 on any mismatch
#                    (the Go tests of ./testbench run under go-test)
#   make tb-bench    C++ harness vs Go co-simulation (compare end to end) on
#                    a real capture (and on the mix of ../shared/traces when
#                    present, then each shared capture alone), frames/s and
#                    cycles/s from one run
#
# The million-frame random run (not part of make test):
#   go test ./testbench -run TestRandomAdversarialMutated -timeout 60m -args -frames 1000000

TB_OUT           := build/tb
TB_DEMO_CAPTURE  := testdata/demo/many-protocols.pcap
TB_BENCH_CAPTURE ?= $(TB_DEMO_CAPTURE)

.PHONY: tb-compare tb-bench

tb-compare: $(FLOWSTEER)
	@mkdir -p $(TB_OUT)
	$(FLOWSTEER) table build --weights 1,1,1,1,1,1,1,1,1,1,1,1 -o $(TB_OUT)/twelve.img > /dev/null
	$(FLOWSTEER) compare $(TB_DEMO_CAPTURE) --backpressure mixed --seed 3 \
		--change 1000:$(TB_OUT)/twelve.img --report $(TB_OUT)/compare-report --png $(TB_OUT)/load.png

tb-bench: $(SIM_LIB) $(SIM_BENCH_BIN)
	@mkdir -p $(TB_OUT)
	$(GO) run ./testbench/cmd/tbbench -cbench $(SIM_BENCH_BIN) -capture $(TB_BENCH_CAPTURE) \
		-frames $(TB_OUT)/bench_frames.bin
	$(GO) run ./testbench/cmd/tbbench -cbench $(SIM_BENCH_BIN) -capture $(TB_BENCH_CAPTURE) \
		-frames $(TB_OUT)/bench_frames.bin -flow-state
	@# every shared capture as one mix (shorter frames than the bundled one)
	@if [ -d "$(SHARED)/traces" ]; then \
		$(GO) run ./testbench/cmd/tbbench -cbench $(SIM_BENCH_BIN) -capture $(SHARED)/traces -repeat 3 \
			-frames $(TB_OUT)/bench_frames_mix.bin -per-capture; \
	else echo "tb-bench: $(SHARED)/traces absent, trace-mix figure skipped"; fi

TEST_TARGETS  += tb-compare
BENCH_TARGETS += tb-bench
