#!/usr/bin/env bash
# Unit bench of hdl/fs_parser.v: generate vector sets with the Go generator
# (independent SPEC 2 reference), replay each through Icarus with random
# bubbles, and (with --verilator) through Verilator as well. Exits non-zero
# on any mismatch, timing error or X.
#
#   testbench/parser/run.sh [--quick] [--seed N] [--n FRAMES] [--verilator] [--speed] [--out DIR]
#
#   --quick      small sets (2000 random frames, 300 frames per capture; the
#                truncation set whole): the `make parser-icarus` run, < 40 s
#   --verilator  also run every set under Verilator --binary
#   --speed      also build speed_main.cpp (Verilator --cc, as the co-sim
#                builds the core) and print the parser's simulated cycles/s
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seed=1 n=20000 per_file=3000 out="$root/build/parser" verilator=0 speed=0
while (($#)); do
	case "$1" in
	--quick) n=2000 per_file=300; shift ;;
	--seed) seed="$2"; shift 2 ;;
	--n) n="$2"; shift 2 ;;
	--out) out="$2"; shift 2 ;;
	--verilator) verilator=1; shift ;;
	--speed) speed=1; shift ;;
	-h|--help) sed -n '2,14p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
mkdir -p "$out"
cd "$root"
go run ./testbench/parser/gen -out "$out" -seed "$seed" -n "$n" -trace-per-file "$per_file"

iverilog -g2005 -Wall -Wno-timescale -o "$out/tb_fs_parser.vvp" testbench/parser/tb_fs_parser.v hdl/fs_parser.v
fail=0
while read -r set; do
	[ -n "$set" ] || continue
	echo "== icarus: $set"
	if ! vvp -n "$out/tb_fs_parser.vvp" +CFG="$out/$set.cfg.hex" +BEATS="$out/$set.beats.hex" \
		+EXP="$out/$set.exp.hex" +SEED="$seed"; then
		fail=1
	fi
done <"$out/sets.txt"

if ((verilator)); then
	vdir="$out/verilator"
	verilator --binary -j 2 -Wno-fatal -Wno-lint -Wno-style --top-module tb_fs_parser \
		-Mdir "$vdir" -o tb_fs_parser testbench/parser/tb_fs_parser.v hdl/fs_parser.v >"$out/verilator.log" 2>&1 ||
		{ cat "$out/verilator.log"; exit 1; }
	while read -r set; do
		[ -n "$set" ] || continue
		echo "== verilator: $set"
		if ! "$vdir/tb_fs_parser" +CFG="$out/$set.cfg.hex" +BEATS="$out/$set.beats.hex" \
			+EXP="$out/$set.exp.hex" +SEED="$seed"; then
			fail=1
		fi
	done <"$out/sets.txt"
fi

if ((speed)); then
	sdir="$out/speed"
	rm -rf "$sdir"
	verilator --cc --exe --build -j 2 -O3 --x-assign fast --x-initial fast --noassert -Wno-fatal \
		-Wno-lint -Wno-style --top-module fs_parser -Mdir "$sdir" -o speed \
		-MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2" \
		"$here/speed_main.cpp" hdl/fs_parser.v >"$out/speed.log" 2>&1 || { cat "$out/speed.log"; exit 1; }
	for set in rand_promisc traces_promisc; do
		[ -e "$out/$set.beats.hex" ] || continue
		echo "== speed: $set"
		"$sdir/speed" "$out/$set.cfg.hex" "$out/$set.beats.hex" 20000000
	done
fi

if ((fail)); then
	echo "fs_parser bench: FAILED" >&2
	exit 1
fi
echo "fs_parser bench: all sets passed"
