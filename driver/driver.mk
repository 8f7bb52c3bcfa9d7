# driver/: register map generator, link protocol, transports, link bridge RTL.
# `go test ./...` covers the Go side (regmap freshness, link faults, transports,
# Device, and testbench/link which runs the bridge under Icarus).

DRIVER_RTL := hdl/fs_link_bridge.v hdl/fs_link_ram.v

.PHONY: driver-regs driver-lint driver-bench

# Regenerate driver/regs_gen.go, hdl/regs.vh and docs/registers.md.
driver-regs:
	$(GO) generate ./driver

# Verilator -Wall lint and a Yosys parse of the link bridge.
driver-lint: deps
	verilator --lint-only -Wall --top-module fs_link_bridge $(DRIVER_RTL)
	yosys -q -p "read_verilog $(DRIVER_RTL); hierarchy -top fs_link_bridge; proc; check -assert"

# Link efficiency and programming time figures.
driver-bench:
	$(GO) test -run '^TestLink' -v -count=1 ./driver/ | grep -E 'linkbench|^ok'
	$(GO) test -run '^$$' -bench LinkProgramTable -benchtime 20x ./driver/

TEST_TARGETS  += driver-lint
BENCH_TARGETS += driver-bench
