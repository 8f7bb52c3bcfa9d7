#!/usr/bin/env python3
"""Print synthesis figures parsed from yosys / nextpnr reports.

report.py ice40 PARAMS FREQ yosys_stat.txt nextpnr_report.json nextpnr.log
report.py generic PARAMS FREQ yosys_stat.txt
report.py flow PARAMS FREQ yosys_stat.txt      (fs_flow_table alone, synth_ice40)
report.py modules PARAMS FREQ yosys_stat.txt   (synth_ice40 -noflatten, per module)
"""
import json
import re
import sys


def stat_cells(path):
    """Cell type -> count from the last design summary of `yosys stat`."""
    text = open(path).read()
    # the top-level summary is the last "Number of cells" block
    blocks = text.split("=== ")
    last = blocks[-1]
    cells = {}
    total = None
    for line in last.splitlines():
        m = re.match(r"\s+Number of cells:\s+(\d+)", line)
        if m:
            total = int(m.group(1))
            continue
        m = re.match(r"\s+(\S+)\s+(\d+)$", line)
        if m and total is not None:
            cells[m.group(1)] = int(m.group(2))
    return total, cells


def packed_lcs(log_path):
    """Logic cells the nextpnr-ice40 packer used, from its log."""
    try:
        text = open(log_path).read()
    except OSError:
        return None, ""
    kinds = {}
    for n, what in re.findall(r"Info:\s+(\d+) LCs used (as [\w ]+|to legalise carry chains)", text):
        kinds[what.strip()] = int(n)
    if not kinds:
        return None, ""
    return sum(kinds.values()), ", ".join(f"{v} {k}" for k, v in kinds.items())


def placement_estimate(log_path):
    """The last "Max frequency" nextpnr printed (after placement when routing
    never finished) and the logic-cell line of its utilisation table."""
    est, lcs = None, None
    try:
        for line in open(log_path):
            m = re.search(r"Max frequency for clock .*: ([0-9.]+) MHz", line)
            if m:
                est = float(m.group(1))
            m = re.search(r"ICESTORM_LC:\s*(\d+)/\s*(\d+)", line)
            if m:
                lcs = f"{m.group(1)}/{m.group(2)}"
    except OSError:
        pass
    return est, lcs


def ice40_figures(cells):
    """LUT4, carry, flip-flop and block-RAM counts of a synth_ice40 stat."""
    ffs = sum(v for k, v in cells.items() if k.startswith("SB_DFF"))
    return cells.get("SB_LUT4", 0), cells.get("SB_CARRY", 0), ffs, cells.get("SB_RAM40_4K", 0)


def module_blocks(path):
    """(module name, cells) for every module block of a -noflatten stat,
    and the instance count of each module in the hierarchy summary."""
    text = open(path).read()
    mods = []
    for blk in text.split("=== ")[1:]:
        name = blk.split("===")[0].strip()
        cells = {}
        for line in blk.splitlines():
            m = re.match(r"\s+(\S+)\s+(\d+)$", line)
            if m:
                cells[m.group(1)] = int(m.group(2))
        mods.append((name, cells))
    return mods


def short(name):
    """$paramod$<hash>\\fs_fifo -> fs_fifo, $paramod\\fs_table\\TM_BITS=.. -> fs_table"""
    parts = name.replace("$paramod", "").split("\\")
    return [p for p in parts if p and not p.startswith("$")][0] if len(parts) > 1 else name


def main():
    kind, params, freq = sys.argv[1], sys.argv[2], float(sys.argv[3])
    if kind == "ice40":
        total, cells = stat_cells(sys.argv[4])
        try:
            rep = json.load(open(sys.argv[5]))
        except (OSError, ValueError):
            rep = {}  # placement failed: no nextpnr report
        util = rep.get("utilization", {})
        lc = util.get("ICESTORM_LC", {})
        ram = util.get("ICESTORM_RAM", {})
        fmax = None
        for clk, v in rep.get("fmax", {}).items():
            fmax = v.get("achieved")
        ok = fmax is not None and fmax >= freq
        print(f"synth ice40 hx8k ct256 [{params}]")
        print(f"  yosys:   SB_LUT4 {cells.get('SB_LUT4', 0)}, SB_CARRY {cells.get('SB_CARRY', 0)}, "
              f"flip-flops {sum(v for k, v in cells.items() if k.startswith('SB_DFF'))}, "
              f"SB_RAM40_4K {cells.get('SB_RAM40_4K', 0)}")
        if lc:
            print(f"  nextpnr: logic cells {lc.get('used')}/{lc.get('available')}, "
                  f"RAM blocks {ram.get('used')}/{ram.get('available')}")
        elif placement_estimate(sys.argv[6])[1]:
            # placed but not routed (timeout): the placer's utilisation
            print(f"  nextpnr: logic cells {placement_estimate(sys.argv[6])[1]} (placed, routing unfinished)")
        else:
            # placement failed: what the packer needed, from its log
            need, parts = packed_lcs(sys.argv[6])
            if need:
                print(f"  nextpnr: packing needs {need} logic cells ({parts}); "
                      f"the HX8K has 7680: does NOT fit")
        if fmax is not None:
            print(f"  Fmax {fmax:.2f} MHz (target {freq:.0f} MHz: {'met' if ok else 'NOT met'})")
        else:
            est, _ = placement_estimate(sys.argv[6])
            if est is not None:
                # routing did not finish: say what the placer measured, and
                # that it is not a routed figure
                print(f"  Fmax: not reported (routing unfinished); placement estimate {est:.2f} MHz "
                      f"(target {freq:.0f} MHz: {'met' if est >= freq else 'NOT met'} even before routing)")
            else:
                print("  Fmax: not reported")
    elif kind == "flow":
        total, cells = stat_cells(sys.argv[4])
        luts, carry, ffs, rams = ice40_figures(cells)
        print(f"synth ice40 fs_flow_table alone [{params}]")
        print(f"  yosys:   SB_LUT4 {luts}, SB_CARRY {carry}, flip-flops {ffs}, SB_RAM40_4K {rams}")
    elif kind == "modules":
        print(f"synth ice40 per module, not flattened [{params}] (one instance each)")
        for name, cells in module_blocks(sys.argv[4]):
            if name == "design hierarchy":
                continue
            luts, carry, ffs, rams = ice40_figures(cells)
            print(f"  {short(name):16s} SB_LUT4 {luts:5d}  SB_CARRY {carry:4d}  flip-flops {ffs:5d}  SB_RAM40_4K {rams}")
    else:
        total, cells = stat_cells(sys.argv[4])
        mems = {k: v for k, v in cells.items() if "mem" in k}
        ffs = sum(v for k, v in cells.items() if "DFF" in k.upper())
        print(f"synth generic yosys [{params}]")
        print(f"  cells {total}: flip-flops {ffs}, memories {sum(mems.values())}, "
              f"gates {total - ffs - sum(mems.values())}")
        top = sorted(cells.items(), key=lambda kv: -kv[1])[:8]
        print("  by type: " + ", ".join(f"{k} {v}" for k, v in top))


if __name__ == "__main__":
    main()
