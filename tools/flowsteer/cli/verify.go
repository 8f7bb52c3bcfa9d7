package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/host/table"
)

func init() { register("verify", newVerify) }

// verifyShown is how many differing entries verify lists.
const verifyShown = 10

func newVerify(env *Env) *cobra.Command {
	var dev, image, bank string
	var partition int
	cmd := &cobra.Command{
		Use:   "verify --device DEV --image IMG [--partition P] [--bank active|shadow]",
		Short: "Compare a device's table with a table image (exit 1 on any difference)",
		Long: `Read one partition's table from the device (the active bank unless --bank
shadow) and compare it entry by entry with an image. Equal: exit 0. Any
difference: exit 1, with the number of differing entries and the first ` + fmt.Sprint(verifyShown) + `
of them (index, device value, image value). The device is only read.
--partition overrides the partition written in the image.

` + deviceHelp,
		Example: `  flowsteer verify --device usb:0403:601f --image p0.img
  flowsteer verify -d spi:/dev/spidev0.0 -i web.img --partition 1 --bank shadow`,
		Args: exactArgs(0, "no arguments (flags only)"),
		RunE: func(c *cobra.Command, _ []string) (err error) {
			if err := checkDeviceName("verify", dev); err != nil {
				return err
			}
			if image == "" {
				return usageError("verify: --image is required")
			}
			b, err := parseBank("verify", bank)
			if err != nil {
				return err
			}
			img, err := table.ReadFile(image)
			if err != nil {
				return fmt.Errorf("verify: %v", err)
			}
			part, err := partitionFlag(c, partition, img.Partition)
			if err != nil {
				return err
			}
			d, err := openDevice("verify", dev)
			if err != nil {
				return err
			}
			defer closeDevice(d, &err)
			got, err := d.ReadTable(part, b)
			if err != nil {
				return fmt.Errorf("verify: %v", oneLine(err))
			}
			var diffs []int
			for i := range got {
				if got[i] != img.Table[i] {
					diffs = append(diffs, i)
				}
			}
			if len(diffs) == 0 {
				fmt.Fprintf(env.Stdout, "%s: partition %d %s bank matches %s (4096 entries)\n", dev, part, b, image)
				return nil
			}
			fmt.Fprintf(env.Stdout, "%s: partition %d %s bank differs from %s in %d of 4096 entries\n", dev, part, b, image, len(diffs))
			fmt.Fprintf(env.Stdout, "entry\tdevice\timage\n")
			for _, i := range diffs[:min(len(diffs), verifyShown)] {
				fmt.Fprintf(env.Stdout, "%d\t%d\t%d\n", i, got[i], img.Table[i])
			}
			if len(diffs) > verifyShown {
				fmt.Fprintf(env.Stdout, "... %d more\n", len(diffs)-verifyShown)
			}
			return fmt.Errorf("verify: partition %d %s table differs from %s: %d entries, first at %d (device %d, image %d)",
				part, b, image, len(diffs), diffs[0], got[diffs[0]], img.Table[diffs[0]])
		},
	}
	addDeviceFlag(cmd, &dev)
	cmd.Flags().StringVarP(&image, "image", "i", "", "table image to compare with (required)")
	cmd.Flags().IntVarP(&partition, "partition", "p", 0, "partition to compare (default: the image's)")
	cmd.Flags().StringVar(&bank, "bank", "active", "bank to compare: active or shadow")
	return cmd
}
