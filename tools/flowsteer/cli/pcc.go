package cli

import (
	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/host/replay"
)

func init() { register("pcc", newPccCmd) }

func newPccCmd(env *Env) *cobra.Command {
	var configPath, pngPath, progress string
	var changeSpecs []string
	var sets, ways int
	cmd := &cobra.Command{
		Use:   "pcc CAPTURE --change FRAME:IMG",
		Short: "Per-connection consistency: what a table change mid-capture does to established connections",
		Long: `pcc replays a capture through the reference model twice at once, with the
SPEC 5 flow table on and off, and changes one partition's table before frame
FRAME (the partition is the image's own). It reports:

  - connections: TCP/UDP 5-tuples (both directions together) whose frames are
    hashed, split into before-only, after-only and established (both sides);
  - how many established connections changed TM with flow state off and on;
  - the share of the 4096 buckets the change moved (compare with the moved
    share of established connections with flow state off);
  - flow-table occupancy, hits, misses, inserts, evictions (whole capture and
    after the change);
  - the damage the flow table's own events predict: an established
    connection moves with flow state on exactly when, after the change, its
    flow key missed (the entry had been evicted and was re-inserted with the
    new table's TM) before one of its later frames and its bucket has another
    TM in the new table. "consistent" means moved == predicted.

With --png, a bar chart: moved established connections (off, on) and the
moved bucket share, in percent. Geometry of the flow table: --sets/--ways,
else the configuration's flow_state (default 1024 x 4).`,
		Example: `  flowsteer table rebalance ... -o new.fstb
  flowsteer pcc capture.pcap --change 5000:new.fstb
  flowsteer pcc capture.pcapng --change 20000:p1.fstb --config steer.yaml --sets 16 --ways 2 --png pcc.png`,
		Args: exactArgs(1, "CAPTURE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(changeSpecs) != 1 {
				return usageError("pcc: want exactly one --change FRAME:IMG, got %d (see pcc --help)", len(changeSpecs))
			}
			if sets < 0 || ways < 0 {
				return usageError("pcc: --sets and --ways must be positive")
			}
			change, err := replay.ParseChange(changeSpecs[0])
			if err != nil {
				return usageError("pcc: --change: %v", err)
			}
			cfg, err := replay.LoadConfig(configPath)
			if err != nil {
				return err
			}
			bar, err := newProgressBar(env, progress, -1, "pcc", "frames")
			if err != nil {
				return err
			}
			var prog replay.Progress
			if bar != nil {
				prog = func(n uint64) { _ = bar.Set64(int64(n)) }
			}
			rep, err := replay.Consistency(args[0], cfg, change, replay.ConsistencyOptions{Sets: sets, Ways: ways}, prog)
			finishBar(bar)
			if err != nil {
				return err
			}
			if err := rep.Write(env.Stdout); err != nil {
				return err
			}
			if pngPath != "" {
				if err := writePccPNG(rep, pngPath); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&changeSpecs, "change", nil, "table change FRAME:IMG: image IMG replaces its partition's table before frame FRAME (exactly one)")
	cmd.Flags().StringVar(&configPath, "config", "", "configuration file (YAML or JSON; SPEC 1 defaults when absent)")
	cmd.Flags().IntVar(&sets, "sets", 0, "flow table sets, a power of two (0: the configuration's)")
	cmd.Flags().IntVar(&ways, "ways", 0, "flow table ways, 1..16 (0: the configuration's)")
	cmd.Flags().StringVar(&pngPath, "png", "", "write a bar chart of the moved shares to this PNG file")
	addProgressFlag(cmd.Flags(), &progress)
	return cmd
}
