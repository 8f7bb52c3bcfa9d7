package driver

import (
	"fmt"
	"strings"

	"github.com/flowsteer/flowsteer/host"
)

// ApplyConfig makes the device decide exactly like host.NewModel(cfg),
// whatever was programmed before: CTRL (PROMISC, FLOW_EN), the four group
// MAC slots (unused ones invalid), the eight RULE slots (unused ones off),
// and for every partition the device has, its key, EQTM and table.
// Partitions cfg does not list get SPEC 1's defaults (Microsoft key, EQTM 0,
// entry i = i mod 8), as in the model. The flow table is flushed, as a new
// model's is empty. Counters are left alone.
//
// Order, chosen so that a failure disturbs as little as possible:
//
//  1. Check ID/VERSION/CAPS and refuse, before any write, a configuration
//     the device cannot carry (more partitions, rules pointing past them,
//     TM ids wider than its entries, flow state it lacks or of another
//     geometry).
//  2. Stage every partition's table in its shadow bank and read it back
//     (frames never see the shadow bank). A failure here returns an error
//     wrapping ErrNotCommitted and the device still decides exactly as
//     before: no live register has been written.
//  3. CTRL with flow state off (no flow entry is inserted under a half-
//     written configuration), MACs, rules, keys, EQTMs.
//  4. One COMMIT for all partitions, so every table changes on the same
//     frame boundary, then wait for commit-pending to clear.
//  5. Flush the flow table and write the final CTRL.
//
// Between 3 and 4 frames see the new keys and rules with the old tables; a
// host that needs a frame-exact switch stops traffic first.
//
// progress (may be nil) sees done/total over the staging writes and
// readbacks (total = 2*4096 per partition).
func (d *Device) ApplyConfig(cfg *host.Config, progress func(done, total int)) error {
	if cfg == nil {
		return d.errf("apply config: no configuration")
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	if _, err := d.Check(); err != nil {
		return err
	}
	caps := *d.caps
	if err := cfg.Validate(); err != nil {
		return d.errf("invalid configuration: %v (nothing written)", err)
	}
	plan, err := planConfig(caps, cfg)
	if err != nil {
		return d.errf("configuration does not fit the device: %v (nothing written)", err)
	}

	// 2. Stage. An earlier commit still pending means a shadow bank may
	// still be looked up by frames in flight: writing it would change them.
	before, err := d.waitCommitIdle()
	if err != nil {
		return d.errf("apply config: wait for an earlier commit: %w (%w)", err, ErrNotCommitted)
	}
	total := 2 * TableEntries * len(plan.tables)
	limit := uint32(1)<<caps.TMBits - 1
	for p := range plan.tables {
		base := 2 * TableEntries * p
		fail := func(step string, err error) error {
			return d.errf("apply config: partition %d: %s: %w (%w; no other register was written)", p, step, err, ErrNotCommitted)
		}
		if step, err := d.stageShadow(p, &plan.tables[p], limit, func(n int) { progress(base+n, total) }); err != nil {
			return fail(step, err)
		}
	}

	// 3. Live registers. From here a failure leaves a mixed configuration;
	// the error says so.
	live := func(what string, err error) error {
		return d.errf("apply config: %s: %w (tables not committed; the device holds a partly written configuration, apply it again)", what, withoutName(d, err))
	}
	if err := d.SetCtrl(Ctrl{Promiscuous: cfg.Promiscuous}); err != nil {
		return live("CTRL", err)
	}
	if err := d.WriteMACs(cfg.GroupMACs); err != nil {
		return live("group MACs", err)
	}
	if err := d.WriteRules(plan.rules); err != nil {
		return live("rules", err)
	}
	for p := range plan.tables {
		if err := d.WriteKey(p, plan.keys[p]); err != nil {
			return live(fmt.Sprintf("partition %d key", p), err)
		}
		if err := d.WriteEqualPortsTM(p, plan.eqtm[p]); err != nil {
			return live(fmt.Sprintf("partition %d equal_ports_tm", p), err)
		}
	}

	// 4. Commit every partition at once.
	mask := uint32(1)<<len(plan.tables) - 1
	if err := d.write("COMMIT", RegCommit, mask); err != nil {
		return d.errf("apply config: commit outcome unknown: %w", err)
	}
	after, err := d.waitCommitIdle()
	if err != nil {
		return d.errf("apply config: committed, but %w", err)
	}
	if changed := uint32(after.ActiveBank^before.ActiveBank) & mask; changed != mask {
		return d.errf("apply config: COMMIT 0x%x written but the active banks went from 0x%x to 0x%x", mask, before.ActiveBank, after.ActiveBank)
	}

	// 5. Empty flow table, as a new model's, then the final CTRL.
	if caps.FlowEnable {
		if err := d.FlushFlows(); err != nil {
			return d.errf("apply config: tables committed, but flush flows: %w", withoutName(d, err))
		}
	}
	if err := d.SetCtrl(Ctrl{Promiscuous: cfg.Promiscuous, FlowEnable: cfg.FlowState.Enabled}); err != nil {
		return d.errf("apply config: tables committed, but final CTRL: %w", withoutName(d, err))
	}
	return nil
}

// withoutName is err (errors.Is/As still see it) with the device name the
// register helpers put in front removed, so ApplyConfig's message, which
// starts with the name itself, does not carry it twice.
func withoutName(d *Device, err error) error {
	return &strippedErr{err: err, prefix: d.name + ": "}
}

type strippedErr struct {
	err    error
	prefix string
}

func (e *strippedErr) Error() string {
	return strings.TrimPrefix(e.err.Error(), e.prefix)
}

func (e *strippedErr) Unwrap() error { return e.err }

// configPlan is what ApplyConfig writes, per device partition.
type configPlan struct {
	tables []([TableEntries]uint8)
	keys   []([KeyBytes]byte)
	eqtm   []uint8
	rules  []Rule
}

// planConfig maps cfg onto a device with caps, or says why it cannot.
// Every check happens here, before anything is written.
// cfg has passed Validate.
func planConfig(caps Caps, cfg *host.Config) (*configPlan, error) {
	if len(cfg.Partitions) > caps.Partitions {
		return nil, fmt.Errorf("%d partitions configured, the device has %d", len(cfg.Partitions), caps.Partitions)
	}
	if len(cfg.GroupMACs) > MaxGroupMACs {
		return nil, fmt.Errorf("%d group MACs, the device holds %d", len(cfg.GroupMACs), MaxGroupMACs)
	}
	if len(cfg.Rules) > MaxRules {
		return nil, fmt.Errorf("%d rules, the device holds %d", len(cfg.Rules), MaxRules)
	}
	plan := &configPlan{}
	for i, r := range cfg.Rules {
		if int(r.Partition) >= caps.Partitions {
			return nil, fmt.Errorf("rules[%d] sends frames to partition %d, the device has %d", i, r.Partition, caps.Partitions)
		}
		// host.Proto uses the RULE register's protocol codes (1 tcp, 2 udp, 3 any).
		plan.rules = append(plan.rules, Rule{Proto: uint8(r.Proto), Port: r.Port, Partition: r.Partition})
	}
	limit := 1 << caps.TMBits
	for p := 0; p < caps.Partitions; p++ {
		pc := host.DefaultPartition()
		if p < len(cfg.Partitions) {
			pc = cfg.Partitions[p]
		}
		t := host.DefaultTable()
		what := "default table (entry i = i mod 8)"
		if pc.Table != nil {
			t = *pc.Table
			what = "table"
			if pc.TablePath != "" {
				what = "table " + pc.TablePath
			}
		}
		for i, v := range t {
			if int(v) >= limit {
				return nil, fmt.Errorf("partition %d %s: entry %d is TM %d, the device's TM ids have %d bits (max %d)", p, what, i, v, caps.TMBits, limit-1)
			}
		}
		if int(pc.EqualPortsTM) >= limit {
			return nil, fmt.Errorf("partition %d equal_ports_tm %d does not fit the device's %d-bit TM ids", p, pc.EqualPortsTM, caps.TMBits)
		}
		plan.tables = append(plan.tables, t)
		plan.keys = append(plan.keys, [KeyBytes]byte(pc.Key))
		plan.eqtm = append(plan.eqtm, pc.EqualPortsTM)
	}
	if fs := cfg.FlowState; fs.Enabled {
		if !caps.FlowEnable {
			return nil, fmt.Errorf("flow state enabled, the device has no flow table (built with FLOW_ENABLE=0)")
		}
		if sets := 1 << caps.FlowSetsLog2; fs.Sets != sets || fs.Ways != caps.FlowWays {
			return nil, fmt.Errorf("flow state %d sets x %d ways, the device's flow table is %d x %d", fs.Sets, fs.Ways, sets, caps.FlowWays)
		}
	}
	return plan, nil
}
