# testbench/parser/: unit bench of hdl/fs_parser.v (testbench/parser/README.md).
#
#   make parser-icarus   quick Icarus run of every vector set (< 40 s);
#                        part of `make test`
#   make parser-full     full-size sets under Icarus and Verilator, plus the
#                        parser's Verilator simulation speed (minutes)
#   make parser-synth    synth_ice40 cell counts of the parser alone and its
#                        nextpnr-ice40 Fmax on an HX8K (minutes)
#
# The Go cross-check of the reference against host.Parse
# (testbench/parser/gen/ref_host_test.go) runs with `go test ./...`.

.PHONY: parser-icarus parser-full parser-synth

parser-icarus:
	testbench/parser/run.sh --quick

parser-full:
	testbench/parser/run.sh --verilator --speed

parser-synth:
	testbench/parser/synth/synth.sh build/parser/synth

TEST_TARGETS += parser-icarus
