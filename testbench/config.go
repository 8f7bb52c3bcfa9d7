// Package testbench compares the Verilated RTL (package sim) with the Go
// reference model (package host) frame by frame: stimulus generators, the
// scoreboard, functional coverage and mismatch reports. Everything reaches
// the device through driver.Device, the code a board gets, so a co-simulation
// also exercises the register programming path.
package testbench

import (
	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/host"
)

// Configure writes everything a board gets from a configuration, as
// `flowsteer configure` does: CTRL (promiscuous, flow state), group MACs,
// rules, per-partition keys and equal_ports_tm, and every partition's table
// (shadow write, readback verify, one commit), the flow table flushed.
// Partitions cfg does not list get SPEC 1's defaults, as in the model, so a
// device programmed earlier with another configuration ends up deciding
// exactly like host.NewModel(cfg).
//
// The mapping itself is driver.Device.ApplyConfig, the one place that turns
// a host.Config into registers; the co-simulation runs that very code, and
// TestConfigureRegisters checks it against docs/interfaces.md by hand.
func Configure(dev *driver.Device, cfg *host.Config) error {
	return dev.ApplyConfig(cfg, nil)
}
