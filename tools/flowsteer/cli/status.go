package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/host"
)

func init() { register("status", newStatus) }

// statusReport is what status prints; its JSON form is the --json output.
type statusReport struct {
	Device  string `json:"device"`
	ID      string `json:"id"`
	Version string `json:"version"`
	Caps    struct {
		Partitions   int  `json:"partitions"`
		TMBits       int  `json:"tm_bits"`
		FlowEnable   bool `json:"flow_enable"`
		FlowSets     int  `json:"flow_sets"`
		FlowWays     int  `json:"flow_ways"`
		FlowSetsLog2 int  `json:"flow_sets_log2"`
	} `json:"caps"`
	Promiscuous   bool  `json:"promiscuous"`
	FlowState     bool  `json:"flow_state"`
	ActiveBank    []int `json:"active_bank"` // per partition the device has
	CommitPending bool  `json:"commit_pending"`
	Busy          bool  `json:"busy"`
	Counters      struct {
		Frames uint32            `json:"frames"`
		Action map[string]uint32 `json:"action"`
		Reason map[string]uint32 `json:"reason"`
		Flow   struct {
			Hits      uint32 `json:"hits"`
			Misses    uint32 `json:"misses"`
			Inserts   uint32 `json:"inserts"`
			Evictions uint32 `json:"evictions"`
			Flushes   uint32 `json:"flushes"`
		} `json:"flow"`
	} `json:"counters"`
}

// readStatus gathers the report; the device is only read.
func readStatus(d *driver.Device, dev string) (*statusReport, error) {
	ident, err := d.Check()
	if err != nil {
		return nil, err
	}
	st, err := d.Status()
	if err != nil {
		return nil, err
	}
	ctrl, err := d.Ctrl()
	if err != nil {
		return nil, err
	}
	cnt, err := d.Counters()
	if err != nil {
		return nil, err
	}
	r := &statusReport{
		Device:        dev,
		ID:            fmt.Sprintf("0x%08x", ident.ID),
		Version:       fmt.Sprintf("%d.%d", ident.Major, ident.Minor),
		Promiscuous:   ctrl.Promiscuous,
		FlowState:     ctrl.FlowEnable,
		CommitPending: st.CommitPending,
		Busy:          st.Busy,
	}
	c := ident.Caps
	r.Caps.Partitions, r.Caps.TMBits, r.Caps.FlowEnable = c.Partitions, c.TMBits, c.FlowEnable
	r.Caps.FlowSetsLog2, r.Caps.FlowSets, r.Caps.FlowWays = c.FlowSetsLog2, 1<<c.FlowSetsLog2, c.FlowWays
	for p := 0; p < c.Partitions; p++ {
		r.ActiveBank = append(r.ActiveBank, int(st.ActiveBank>>p&1))
	}
	r.Counters.Frames = cnt.Frames
	r.Counters.Action = map[string]uint32{}
	for a, n := range cnt.Action {
		r.Counters.Action[host.Action(a).String()] = n
	}
	r.Counters.Reason = map[string]uint32{}
	for i, n := range cnt.Reason {
		r.Counters.Reason[host.Reason(i).String()] = n
	}
	f := &r.Counters.Flow
	f.Hits, f.Misses, f.Inserts, f.Evictions, f.Flushes = cnt.FlowHits, cnt.FlowMisses, cnt.FlowInserts, cnt.FlowEvictions, cnt.FlowFlushes
	return r, nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func (r *statusReport) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "device\t%s\n", r.Device)
	fmt.Fprintf(tw, "id\t%s (FSTR)\n", r.ID)
	fmt.Fprintf(tw, "version\t%s\n", r.Version)
	flow := "none"
	if r.Caps.FlowEnable {
		flow = fmt.Sprintf("%d sets x %d ways", r.Caps.FlowSets, r.Caps.FlowWays)
	}
	fmt.Fprintf(tw, "caps\t%d partitions, %d-bit TMs, flow table %s\n", r.Caps.Partitions, r.Caps.TMBits, flow)
	fmt.Fprintf(tw, "ctrl\tpromiscuous %s, flow state %s\n", onOff(r.Promiscuous), onOff(r.FlowState))
	for p, b := range r.ActiveBank {
		fmt.Fprintf(tw, "partition %d\tactive bank %d\n", p, b)
	}
	commit := "idle"
	if r.CommitPending {
		commit = "pending (frames tagged with the old bank still in flight)"
	}
	fmt.Fprintf(tw, "commit\t%s\n", commit)
	pipe := "idle"
	if r.Busy {
		pipe = "busy"
	}
	fmt.Fprintf(tw, "pipeline\t%s\n", pipe)
	fmt.Fprintf(tw, "frames\t%d\n", r.Counters.Frames)
	for a := 0; a < host.NumActions; a++ {
		name := host.Action(a).String()
		fmt.Fprintf(tw, "action %s\t%d\n", name, r.Counters.Action[name])
	}
	for i := 0; i < host.NumReasons; i++ {
		name := host.Reason(i).String()
		fmt.Fprintf(tw, "reason %s\t%d\n", name, r.Counters.Reason[name])
	}
	f := r.Counters.Flow
	fmt.Fprintf(tw, "flow\thits %d, misses %d, inserts %d, evictions %d, flushed %d\n", f.Hits, f.Misses, f.Inserts, f.Evictions, f.Flushes)
	return tw.Flush()
}

func newStatus(env *Env) *cobra.Command {
	var dev string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status --device DEV [--json]",
		Short: "Show a device's identity, capabilities, banks and counters",
		Long: `Read and print the device's ID and register map version, its build
parameters (CAPS: partitions, TM width, flow table), CTRL (promiscuous, flow
state), the active table bank of each partition, whether a commit is still
pending, and every counter: frames, frames per action and per reason, and
the flow-state counters. --json prints the same as one JSON object. The
device is only read.

` + deviceHelp,
		Example: `  flowsteer status --device usb:0403:601f
  flowsteer status -d pcie:0000:01:00.0 --json | jq .counters.reason`,
		Args: exactArgs(0, "no arguments (flags only)"),
		RunE: func(c *cobra.Command, _ []string) (err error) {
			d, err := openDevice("status", dev)
			if err != nil {
				return err
			}
			defer closeDevice(d, &err)
			r, err := readStatus(d, dev)
			if err != nil {
				return fmt.Errorf("status: %v", oneLine(err))
			}
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			return r.writeText(env.Stdout)
		},
	}
	addDeviceFlag(cmd, &dev)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}
