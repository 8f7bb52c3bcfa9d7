#!/usr/bin/env bash
# testbench/flow/run.sh: the fs_flow_table unit bench (make flow-icarus).
# For each geometry: the Go model (host.FlowTable) writes request streams and
# expectations (testbench/flow/vecgen), Icarus replays them against
# hdl/fs_flow_table.v (testbench/flow/tb_flow_table.v). Prints each run's
# "N passed, M failed" and a total; exits non-zero on any failure.
#
#   testbench/flow/run.sh [OUT_DIR]     (default build/flow; run from the repo root)
#
# Environment: FLOW_EVENTS (events per geometry, default 20000), GO, IVERILOG, VVP.
set -euo pipefail
OUT=${1:-build/flow}
GO=${GO:-go}
IVERILOG=${IVERILOG:-iverilog}
VVP=${VVP:-vvp}
EVENTS=${FLOW_EVENTS:-20000}
mkdir -p "$OUT"
"$GO" build -o "$OUT/vecgen" ./testbench/flow/vecgen

# name sets_log2 ways tm_bits flush_every seed
GEOMETRIES=(
	"s2w4t8   2  4 8 150 1"
	"s0w1t1   0  1 1 150 2"
	"s1w8t3   1  8 3 150 3"
	"s3w3t4   3  3 4 120 4"
	"s4w2t8   4  2 8 150 5"
	"s0w5t8   0  5 8 100 6"
	"s10w4t8 10  4 8 1500 7"
)
total_pass=0
total_fail=0
status=0
for g in "${GEOMETRIES[@]}"; do
	read -r name sl w tb fe seed <<<"$g"
	dir="$OUT/$name"
	mkdir -p "$dir"
	"$OUT/vecgen" -out "$dir" -sets-log2 "$sl" -ways "$w" -tm-bits "$tb" \
		-events "$EVENTS" -flush-every "$fe" -seed "$seed"
	"$IVERILOG" -g2005 -s tb_flow_table -o "$dir/tb.vvp" \
		-P tb_flow_table.SETS_LOG2="$sl" -P tb_flow_table.WAYS="$w" -P tb_flow_table.TM_BITS="$tb" \
		testbench/flow/tb_flow_table.v hdl/fs_flow_table.v hdl/fs_flow_ram.v
	set +e
	"$VVP" -n "$dir/tb.vvp" +vec="$dir" >"$dir/tb.log" 2>&1
	rc=$?
	set -e
	grep -v '^VCD' "$dir/tb.log" | grep -E '^FAIL|passed|^tb_flow_table' | head -20
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$dir/tb.log" | tail -1 || true)
	if [[ -z "$line" ]]; then
		echo "$name: no result line (see $dir/tb.log)"
		status=1
		continue
	fi
	p=${line%% passed*}
	f=${line#*, }; f=${f%% failed}
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	if [[ $rc -ne 0 || $f -ne 0 ]]; then status=1; fi
done
echo "flow-icarus total: $total_pass passed, $total_fail failed"
exit $status
