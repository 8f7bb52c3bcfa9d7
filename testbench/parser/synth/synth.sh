#!/usr/bin/env bash
# Synthesis figures of hdl/fs_parser.v alone: synth_ice40 cell counts of the
# parser (no wrapper) and nextpnr-ice40 Fmax on an HX8K ct256 with the
# serialising wrapper fs_parser_synth_wrap.v (I/O through shift registers).
# Several minutes; run it niced. Not part of `make test`.
#
#   testbench/parser/synth/synth.sh [OUT_DIR] [PARSER_SOURCES...]
#   (default build/parser/synth, hdl/fs_parser.v plus hdl/fs_parser_*.v)
#
# Environment: FS_FREQ (target MHz, default 100), FS_SEED (default 1).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${1:-$root/build/parser/synth}"
shift || true
srcs=("$@")
if [ ${#srcs[@]} -eq 0 ]; then
	srcs=("$root/hdl/fs_parser.v")
	for f in "$root"/hdl/fs_parser_*.v; do [ -e "$f" ] && srcs+=("$f"); done
fi
freq=${FS_FREQ:-100}
seed=${FS_SEED:-1}
mkdir -p "$out"

yosys -q -l "$out/parser_yosys.log" -p "
read_verilog -DSYNTHESIS ${srcs[*]}
synth_ice40 -top fs_parser
tee -o $out/parser_stat.txt stat
" >/dev/null
yosys -q -l "$out/wrap_yosys.log" -p "
read_verilog -DSYNTHESIS ${srcs[*]} $here/fs_parser_synth_wrap.v
synth_ice40 -top fs_parser_synth_wrap -json $out/wrap.json
tee -o $out/wrap_stat.txt stat
" >/dev/null
nextpnr-ice40 --hx8k --package ct256 --json "$out/wrap.json" --asc "$out/wrap.asc" \
	--pcf-allow-unconstrained --freq "$freq" --seed "$seed" --timing-allow-fail \
	--report "$out/wrap_report.json" >"$out/nextpnr.log" 2>&1 ||
	{ echo "nextpnr-ice40 failed: $(grep -m1 '^ERROR' "$out/nextpnr.log")" >&2; exit 1; }

python3 - "$out" "$freq" <<'PY'
import json, re, sys
out, freq = sys.argv[1], float(sys.argv[2])
def cells(path):
    last = open(path).read().split("=== ")[-1]
    c = {}
    for line in last.splitlines():
        m = re.match(r"\s+(\S+)\s+(\d+)$", line)
        if m:
            c[m.group(1)] = int(m.group(2))
    return c
p = cells(f"{out}/parser_stat.txt")
ff = sum(v for k, v in p.items() if k.startswith("SB_DFF"))
rep = json.load(open(f"{out}/wrap_report.json"))
fmax = [v.get("achieved") for v in rep.get("fmax", {}).values()]
lc = rep.get("utilization", {}).get("ICESTORM_LC", {})
print(f"fs_parser synth_ice40: SB_LUT4 {p.get('SB_LUT4', 0)}, SB_CARRY {p.get('SB_CARRY', 0)}, flip-flops {ff}")
print(f"fs_parser + wrapper on hx8k ct256: logic cells {lc.get('used')}/{lc.get('available')}, "
      f"Fmax {fmax[0]:.1f} MHz (target {freq:.0f})" if fmax else "no Fmax in the nextpnr report")
PY
