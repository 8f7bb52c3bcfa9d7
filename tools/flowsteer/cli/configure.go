package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/host/replay"
)

func init() { register("configure", newConfigure) }

func newConfigure(env *Env) *cobra.Command {
	var dev, config, progress string
	var clearCounters bool
	cmd := &cobra.Command{
		Use:   "configure --device DEV --config FILE",
		Short: "Push a whole configuration (CTRL, MACs, rules, keys, tables) to a device",
		Long: `Make the device decide exactly like "flowsteer model --config FILE": CTRL
(promiscuous, flow state), the group MACs (unused slots invalid), the rules
(unused slots off), and for every partition the device has its Toeplitz key,
equal_ports_tm and table. Partitions the file does not list get SPEC
defaults (Microsoft key, equal_ports_tm 0, entry i = i mod 8), so nothing
of an earlier configuration survives. The flow table is flushed.

The configuration and its table images are loaded and checked against the
device's CAPS (partitions, TM width, flow table geometry) before anything is
written. The tables are staged in the shadow banks and read back first; a
failure there leaves the device untouched. Then the registers are written
and one COMMIT switches every partition's table at the same frame boundary.

` + deviceHelp,
		Example: `  flowsteer configure --device usb:0403:601f --config site.yaml
  flowsteer configure -d pcie:0000:01:00.0 --config site.yaml --clear-counters`,
		Args: exactArgs(0, "no arguments (flags only)"),
		RunE: func(c *cobra.Command, _ []string) (err error) {
			if err := checkDeviceName("configure", dev); err != nil {
				return err
			}
			if config == "" {
				return usageError("configure: --config is required")
			}
			cfg, err := replay.LoadConfig(config)
			if err != nil {
				return fmt.Errorf("configure: %v (nothing written)", oneLine(err))
			}
			d, err := openDevice("configure", dev)
			if err != nil {
				return err
			}
			defer closeDevice(d, &err)
			caps, err := d.Caps()
			if err != nil {
				return fmt.Errorf("configure: %v", err)
			}
			bar, err := newProgressBar(env, progress, int64(2*4096*caps.Partitions), "tables", "entries")
			if err != nil {
				return err
			}
			aerr := d.ApplyConfig(cfg, func(done, _ int) {
				if bar != nil {
					_ = bar.Set(done)
				}
			})
			finishBar(bar)
			if aerr != nil {
				return fmt.Errorf("configure: %v", oneLine(aerr))
			}
			if clearCounters {
				if err := d.ClearCounters(); err != nil {
					return fmt.Errorf("configure: configured, but %v", err)
				}
			}
			listed := len(cfg.Partitions)
			fmt.Fprintf(env.Stdout, "%s: configured from %s: %d partitions (%d from the file, %d SPEC default), %d rules, %d group MACs, promiscuous %s, flow state %s; tables verified and committed\n",
				dev, config, caps.Partitions, listed, caps.Partitions-listed, len(cfg.Rules), len(cfg.GroupMACs),
				onOff(cfg.Promiscuous), onOff(cfg.FlowState.Enabled))
			return nil
		},
	}
	addDeviceFlag(cmd, &dev)
	cmd.Flags().StringVar(&config, "config", "", "configuration file, YAML or JSON (required)")
	cmd.Flags().BoolVar(&clearCounters, "clear-counters", false, "zero every counter afterwards")
	addProgressFlag(cmd.Flags(), &progress)
	return cmd
}
