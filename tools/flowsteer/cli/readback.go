package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/host/table"
)

func init() { register("readback", newReadback) }

// parseBank reads --bank.
func parseBank(cmd, s string) (driver.Bank, error) {
	switch s {
	case "active":
		return driver.Active, nil
	case "shadow":
		return driver.Shadow, nil
	}
	return 0, usageError("%s: --bank %q is not active or shadow", cmd, s)
}

func newReadback(env *Env) *cobra.Command {
	var dev, bank, out string
	var partition int
	cmd := &cobra.Command{
		Use:   "readback --device DEV [--partition P] [--bank active|shadow] -o IMG",
		Short: "Read a partition's table from a device into a table image",
		Long: `Read the 4096 entries of one partition's active bank (what frames see) or
shadow bank (what the next commit would activate) and write them as a table
image, with the device's TM width (CAPS). The device is only read.

` + deviceHelp,
		Example: `  flowsteer readback --device usb:0403:601f -o now.img
  flowsteer readback -d pcie:0000:01:00.0 --partition 2 --bank shadow -o next.img
  flowsteer table diff p0.img now.img`,
		Args: exactArgs(0, "no arguments (flags only)"),
		RunE: func(c *cobra.Command, _ []string) (err error) {
			if err := checkDeviceName("readback", dev); err != nil {
				return err
			}
			if out == "" {
				return usageError("readback: -o IMG is required")
			}
			if partition < 0 || partition > table.MaxPartition {
				return usageError("readback: --partition %d is not in 0..%d", partition, table.MaxPartition)
			}
			b, err := parseBank("readback", bank)
			if err != nil {
				return err
			}
			d, err := openDevice("readback", dev)
			if err != nil {
				return err
			}
			defer closeDevice(d, &err)
			caps, err := d.Caps()
			if err != nil {
				return fmt.Errorf("readback: %v", err)
			}
			t, err := d.ReadTable(partition, b)
			if err != nil {
				return fmt.Errorf("readback: %v", oneLine(err))
			}
			img := table.Image{Partition: uint8(partition), TMBits: uint8(caps.TMBits), Table: table.Table(*t)}
			if err := table.WriteFile(out, img); err != nil {
				return fmt.Errorf("readback: %v", err)
			}
			fmt.Fprintf(env.Stdout, "%s: partition %d %s bank written to %s (%d-bit TMs, %d TMs in use)\n",
				dev, partition, b, out, caps.TMBits, countTMs(img.Table))
			return nil
		},
	}
	addDeviceFlag(cmd, &dev)
	cmd.Flags().IntVarP(&partition, "partition", "p", 0, "partition to read")
	cmd.Flags().StringVar(&bank, "bank", "active", "bank to read: active or shadow")
	cmd.Flags().StringVarP(&out, "output", "o", "", "table image to write (required)")
	return cmd
}

// countTMs is the number of distinct TM ids in t.
func countTMs(t table.Table) int {
	var seen [256]bool
	n := 0
	for _, v := range t {
		if !seen[v] {
			seen[v] = true
			n++
		}
	}
	return n
}
