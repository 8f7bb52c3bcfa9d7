#!/usr/bin/env python3
"""Logic depth of an iCE40 netlist, per flip-flop / block-RAM input.

    depth.py ICE40_JSON TOP [--top N] [--min LEVELS] [--paths K]

Reads the yosys JSON that `synth_ice40 -json` writes and, for every input
pin of a flip-flop or block RAM (D, E, R, S, RAM data/address/enables),
counts the LUT4 levels on its deepest path back to a flip-flop, RAM output,
I/O cell or constant. A carry-chain hop counts 0.1 (0.3 when entering the
chain from a LUT input), and a LUT whose output fans out to more than 16
pins counts 0.3 more (long nets). It is a placement-independent view of
where nextpnr's critical paths can come from: at 100 MHz on an HX8K a path
has about 10 ns, of which a LUT level with its routing takes 1.2-2 ns.

Prints a summary line (endpoints at or above 4.5 and 5.5 levels, the
deepest), the deepest endpoint groups (bus bits together), and with
--paths the chain of nets of the K deepest groups.
"""
import argparse
import collections
import functools
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("json")
    ap.add_argument("top")
    ap.add_argument("--top-groups", type=int, default=8, dest="groups")
    ap.add_argument("--min", type=float, default=4.5)
    ap.add_argument("--paths", type=int, default=0)
    a = ap.parse_args()
    try:
        mod = json.load(open(a.json))["modules"][a.top]
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"depth: {a.json}: cannot read module {a.top}: {e}")

    # a readable name per net bit: prefer user names over $-names
    name = {}
    for n, v in mod["netnames"].items():
        for b in v["bits"]:
            if isinstance(b, int) and (b not in name or name[b].startswith("$")):
                name[b] = n
    driver, fanout = {}, collections.Counter()
    for c in mod["cells"].values():
        for p, bits in c["connections"].items():
            for b in bits:
                if not isinstance(b, int):
                    continue
                if c["port_directions"].get(p) == "output":
                    driver[b] = c
                else:
                    fanout[b] += 1

    sys.setrecursionlimit(200000)

    @functools.lru_cache(maxsize=None)
    def arrival(b):
        """(levels, previous bit on the deepest path) at net bit b."""
        c = driver.get(b)
        if c is None:
            return (0.0, None)
        if c["type"] == "SB_LUT4":
            best = (-1.0, None)
            for p in ("I0", "I1", "I2", "I3"):
                for x in c["connections"][p]:
                    if isinstance(x, int) and arrival(x)[0] > best[0]:
                        best = (arrival(x)[0], x)
            extra = 0.3 if fanout[b] > 16 else 0.0
            return (max(best[0], 0.0) + 1.0 + extra, best[1])
        if c["type"] == "SB_CARRY":
            best = (-1.0, None)
            for p, step in (("I0", 0.3), ("I1", 0.3), ("CI", 0.1)):
                for x in c["connections"][p]:
                    if isinstance(x, int) and arrival(x)[0] + step > best[0]:
                        best = (arrival(x)[0] + step, x)
            return (max(best[0], 0.0), best[1])
        return (0.0, None)  # flip-flop Q, RAM RDATA, I/O, anything else: a start

    ends = []
    for cn, c in mod["cells"].items():
        t = c["type"]
        if not (t.startswith("SB_DFF") or t == "SB_RAM40_4K"):
            continue
        q = c["connections"].get("Q", [None])[0]
        label = name.get(q, cn) if t != "SB_RAM40_4K" else cn
        for p, bits in c["connections"].items():
            if c["port_directions"].get(p) != "input" or p in ("C", "RCLK", "WCLK"):
                continue
            for b in bits:
                if isinstance(b, int):
                    ends.append((arrival(b)[0], p, label, b))
    if not ends:
        sys.exit("depth: no flip-flops or block RAMs in the netlist")
    ends.sort(key=lambda e: -e[0])
    n45 = sum(1 for e in ends if e[0] >= 4.5)
    n55 = sum(1 for e in ends if e[0] >= 5.5)
    print(f"  logic depth: {len(ends)} endpoint pins, {n45} at >= 4.5 LUT levels, "
          f"{n55} at >= 5.5, deepest {ends[0][0]:.1f} ({ends[0][2]} {ends[0][1]})")

    groups = collections.OrderedDict()
    for lv, p, label, b in ends:
        if lv < a.min:
            break
        key = (label.split("[")[0], p)
        g = groups.setdefault(key, [lv, 0, b])
        g[1] += 1
    for i, ((label, p), (lv, cnt, b)) in enumerate(groups.items()):
        if i >= a.groups:
            break
        print(f"    {lv:4.1f}  {p:5s} x{cnt:<4d} {label}")
        if i < a.paths:
            chain, x = [], b
            while x is not None:
                chain.append(name.get(x, str(x)))
                x = arrival(x)[1]
            print("          from " + " -> ".join(reversed(chain[:14])))


if __name__ == "__main__":
    main()
