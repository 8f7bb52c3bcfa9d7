package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/driver"
	_ "github.com/flowsteer/flowsteer/driver/all" // usb:, spi:, pcie:
	"github.com/flowsteer/flowsteer/host/table"
	_ "github.com/flowsteer/flowsteer/sim/simdev" // sim, sim:link
)

func init() { register("program", newProgram) }

// deviceHelp is shared by the --help text of every device command.
const deviceHelp = `DEV names the device:
  sim                  the Verilated RTL, in this process (register port)
  sim:link             the same behind the link bridge and protocol
  usb:VID:PID          a USB FIFO bridge (hex ids, e.g. usb:0403:601f)
  spi:/dev/spidevB.C   an SPI link (e.g. spi:/dev/spidev0.0)
  pcie:DDDD:BB:DD.F    BAR 0 of a PCIe function (e.g. pcie:0000:01:00.0)
The command holds the device lock (a flock on a file in the temp directory)
for its whole run, so two commands never interleave on one device; a second
one fails with "device busy".

The sim device lives inside the flowsteer process: every flowsteer command
starts it from reset and its state is gone when the command ends, so
"flowsteer readback -d sim" after "flowsteer program -d sim" reads reset
values. Use sim to try a command; for a sequence on one simulated device use
a co-simulation (flowsteer cosim) or the Go API in one process.`

// Syntax of the board transports' device arguments (docs/link-protocol.md),
// checked before anything is opened so a typo is a usage error (exit 2),
// not a missing device (exit 1).
var (
	usbDevRE  = regexp.MustCompile(`^(0[xX])?[0-9a-fA-F]{1,4}:(0[xX])?[0-9a-fA-F]{1,4}$`)
	spiDevRE  = regexp.MustCompile(`^/dev/spidev\d+\.\d+$`)
	pcieDevRE = regexp.MustCompile(`^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$`)
)

// checkDeviceName is the usage check of --device.
func checkDeviceName(cmd, dev string) error {
	if strings.TrimSpace(dev) == "" {
		return usageError("%s: --device is required (sim, usb:VID:PID, spi:/dev/spidevB.C or pcie:DDDD:BB:DD.F)", cmd)
	}
	scheme, arg, hasArg := strings.Cut(dev, ":")
	bad := func(want string) error {
		return usageError("%s: --device %q: want %s", cmd, dev, want)
	}
	switch scheme {
	case "sim":
		// The sim opener (sim/simdev) checks the options themselves; here
		// only their shape: comma-separated "link" or "key=value".
		if hasArg {
			for _, opt := range strings.Split(arg, ",") {
				k, v, isKV := strings.Cut(opt, "=")
				if !(opt == "link" || isKV && k != "" && v != "") {
					return bad("sim, sim:link or sim:OPTION=VALUE,... (e.g. sim:link,fst=wave.fst)")
				}
			}
		}
	case "usb":
		if !usbDevRE.MatchString(arg) {
			return bad("usb:VID:PID with hex ids (e.g. usb:0403:601f)")
		}
	case "spi":
		if !spiDevRE.MatchString(arg) {
			return bad("spi:/dev/spidevB.C (e.g. spi:/dev/spidev0.0)")
		}
	case "pcie":
		if !pcieDevRE.MatchString(arg) {
			return bad("pcie:DDDD:BB:DD.F (e.g. pcie:0000:01:00.0)")
		}
	default:
		if !registeredScheme(scheme) {
			return bad("sim, usb:VID:PID, spi:/dev/spidevB.C or pcie:DDDD:BB:DD.F")
		}
	}
	return nil
}

func registeredScheme(s string) bool {
	for _, r := range driver.Schemes() {
		if r == s {
			return true
		}
	}
	return false
}

// openDevice checks the name, takes the device lock and opens and
// identifies the device (driver.Open). The caller closes it, which releases
// the lock.
func openDevice(cmd, dev string) (*driver.Device, error) {
	if err := checkDeviceName(cmd, dev); err != nil {
		return nil, err
	}
	d, err := driver.Open(dev)
	if err != nil {
		if errors.Is(err, driver.ErrBadDevice) {
			return nil, &ExitError{Code: 2, Err: fmt.Errorf("%s: %v", cmd, err)}
		}
		if errors.Is(err, driver.ErrBusy) {
			return nil, fmt.Errorf("%s: %s: %v", cmd, dev, err)
		}
		msg := oneLine(err)
		// The transports name the device in most messages; where one does
		// not (a libusb init failure, say), the user still learns which.
		if _, arg, _ := strings.Cut(dev, ":"); !strings.Contains(msg, arg) || arg == "" && !strings.Contains(msg, dev) {
			msg = dev + ": " + msg
		}
		return nil, fmt.Errorf("%s: %s", cmd, msg)
	}
	return d, nil
}

// oneLine keeps an error to the one line the CLI promises (libusb and
// cgo messages sometimes carry newlines).
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// addDeviceFlag adds --device/-d.
func addDeviceFlag(cmd *cobra.Command, dev *string) {
	cmd.Flags().StringVarP(dev, "device", "d", "", "device: sim, sim:link, usb:VID:PID, spi:/dev/spidevB.C or pcie:DDDD:BB:DD.F (required)")
}

// partitionFlag resolves --partition against an image's own partition.
func partitionFlag(c *cobra.Command, flag int, fromImage uint8) (int, error) {
	if !c.Flags().Changed("partition") {
		return int(fromImage), nil
	}
	if flag < 0 || flag > table.MaxPartition {
		return 0, usageError("%s: --partition %d is not in 0..%d", c.Name(), flag, table.MaxPartition)
	}
	return flag, nil
}

// closeDevice closes d and keeps the first error.
func closeDevice(d *driver.Device, err *error) {
	if cerr := d.Close(); cerr != nil && *err == nil {
		*err = cerr
	}
}

func newProgram(env *Env) *cobra.Command {
	var dev, image, progress string
	var partition int
	cmd := &cobra.Command{
		Use:   "program --device DEV --image IMG [--partition P]",
		Short: "Write a table image to a device: shadow bank, read back, verify, commit",
		Long: `Program one partition's allocation table from a table image (flowsteer table
build) without disturbing traffic: the 4096 entries go to the partition's
shadow bank, are read back and compared, and only then does one COMMIT make
the shadow bank active, between two frames. If anything fails before the
commit (a bad image, a link error, a readback difference) nothing is
committed and the active table is exactly as it was; the error says so.

The image is checked (magic, version, CRC, TM width) before the device is
opened. --partition overrides the partition written in the image.

` + deviceHelp,
		Example: `  flowsteer program --device usb:0403:601f --image p0.img
  flowsteer program -d spi:/dev/spidev0.0 -i web.img --partition 1
  flowsteer program -d pcie:0000:01:00.0 -i p0.img --progress never`,
		Args: exactArgs(0, "no arguments (flags only)"),
		RunE: func(c *cobra.Command, _ []string) (err error) {
			if err := checkDeviceName("program", dev); err != nil {
				return err
			}
			if image == "" {
				return usageError("program: --image is required")
			}
			img, err := table.ReadFile(image)
			if err != nil {
				return fmt.Errorf("program: %v (nothing written)", err)
			}
			part, err := partitionFlag(c, partition, img.Partition)
			if err != nil {
				return err
			}
			bar, err := newProgressBar(env, progress, 2*driver.TableEntries, fmt.Sprintf("partition %d", part), "entries")
			if err != nil {
				return err
			}
			d, err := openDevice("program", dev)
			if err != nil {
				return err
			}
			defer closeDevice(d, &err)
			t := [driver.TableEntries]uint8(img.Table)
			perr := d.ProgramTable(part, &t, func(done, _ int) {
				if bar != nil {
					_ = bar.Set(done)
				}
			})
			finishBar(bar)
			if perr != nil {
				return fmt.Errorf("program: %v", oneLine(perr))
			}
			st, err := d.Status()
			if err != nil {
				return fmt.Errorf("program: committed, but %v", err)
			}
			fmt.Fprintf(env.Stdout, "%s: partition %d programmed from %s: 4096 entries written, read back, verified and committed (active bank %d)\n",
				dev, part, image, st.ActiveBank>>part&1)
			return nil
		},
	}
	addDeviceFlag(cmd, &dev)
	cmd.Flags().StringVarP(&image, "image", "i", "", "table image to program (required)")
	cmd.Flags().IntVarP(&partition, "partition", "p", 0, "partition to program (default: the image's)")
	addProgressFlag(cmd.Flags(), &progress)
	return cmd
}
