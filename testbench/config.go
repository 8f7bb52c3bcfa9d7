// Package testbench compares the Verilated RTL (package sim) with the Go
// reference model (package host) frame by frame: stimulus generators, the
// scoreboard, functional coverage and mismatch reports. Everything reaches
// the device through driver.Device, the code a board gets, so a co-simulation
// also exercises the register programming path.
package testbench

import (
	"fmt"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/host"
)

// Configure writes everything a board gets from a configuration: CTRL
// (promiscuous, flow state), group MACs, rules, per-partition keys and
// equal_ports_tm, and the table of every partition through ProgramTable
// (shadow write, readback verify, commit). Partitions cfg does not list get
// SPEC 1's defaults, as in the model, so a device programmed earlier with
// another configuration ends up deciding exactly like host.NewModel(cfg).
//
// It is the one place that maps host.Config to registers.
func Configure(dev *driver.Device, cfg *host.Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	caps, err := dev.Caps()
	if err != nil {
		return err
	}
	if err := CheckCaps(caps, cfg); err != nil {
		return fmt.Errorf("%s: %v", dev.Name(), err)
	}
	// Flow state off while the rest changes, so no frame is decided (or
	// inserted) under a half-written configuration; the flush then starts
	// the flow table empty, as a new model's is.
	if err := dev.SetCtrl(driver.Ctrl{Promiscuous: cfg.Promiscuous}); err != nil {
		return err
	}
	if err := dev.WriteMACs(cfg.GroupMACs); err != nil {
		return err
	}
	rules := make([]driver.Rule, len(cfg.Rules))
	for i, r := range cfg.Rules {
		// host.Proto uses the RULE register's protocol codes.
		rules[i] = driver.Rule{Proto: uint8(r.Proto), Port: r.Port, Partition: r.Partition}
	}
	if err := dev.WriteRules(rules); err != nil {
		return err
	}
	for p := 0; p < caps.Partitions; p++ {
		pc := partitionConfig(cfg, p)
		if err := dev.WriteKey(p, pc.Key); err != nil {
			return err
		}
		if err := dev.WriteEqualPortsTM(p, pc.EqualPortsTM); err != nil {
			return err
		}
		t := host.DefaultTable()
		if pc.Table != nil {
			t = *pc.Table
		}
		if err := dev.ProgramTable(p, &t, nil); err != nil {
			return err
		}
	}
	if caps.FlowEnable {
		if err := dev.FlushFlows(); err != nil {
			return err
		}
	}
	return dev.SetCtrl(driver.Ctrl{Promiscuous: cfg.Promiscuous, FlowEnable: cfg.FlowState.Enabled})
}

// CheckCaps reports why a device built with caps cannot decide like the
// model of cfg (too few partitions for the configuration or its rules, a
// flow table of another geometry, or none).
func CheckCaps(caps driver.Caps, cfg *host.Config) error {
	if len(cfg.Partitions) > caps.Partitions {
		return fmt.Errorf("configuration has %d partitions, the device %d", len(cfg.Partitions), caps.Partitions)
	}
	for i, r := range cfg.Rules {
		if int(r.Partition) >= caps.Partitions {
			return fmt.Errorf("rules[%d] points at partition %d, the device has %d", i, r.Partition, caps.Partitions)
		}
	}
	if caps.Partitions < host.MaxPartitions {
		// The model always has four partitions; with fewer in the device a
		// rule-less configuration still agrees, anything else would not.
		for p := caps.Partitions; p < len(cfg.Partitions); p++ {
			return fmt.Errorf("partition %d is configured but the device has %d", p, caps.Partitions)
		}
	}
	for p := range cfg.Partitions {
		if t := cfg.Partitions[p].Table; t != nil {
			for i, v := range t {
				if int(v) >= 1<<caps.TMBits {
					return fmt.Errorf("partitions[%d] table entry %d = TM %d does not fit the device's %d-bit TM ids", p, i, v, caps.TMBits)
				}
			}
		}
	}
	if cfg.FlowState.Enabled {
		if !caps.FlowEnable {
			return fmt.Errorf("flow state is enabled but the device has no flow table (FLOW_ENABLE=0)")
		}
		if sets := 1 << caps.FlowSetsLog2; cfg.FlowState.Sets != sets || cfg.FlowState.Ways != caps.FlowWays {
			return fmt.Errorf("flow state geometry %d sets x %d ways, the device has %d x %d",
				cfg.FlowState.Sets, cfg.FlowState.Ways, sets, caps.FlowWays)
		}
	}
	return nil
}

// partitionConfig is partition p of cfg, or SPEC 1's default when cfg does
// not list it (as host.NewModel does).
func partitionConfig(cfg *host.Config, p int) host.PartitionConfig {
	if p < len(cfg.Partitions) {
		return cfg.Partitions[p]
	}
	return host.DefaultPartition()
}
