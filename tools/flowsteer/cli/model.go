package cli

import (
	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/host/replay"
)

func init() { register("model", newModelCmd) }

func newModelCmd(env *Env) *cobra.Command {
	var configPath, outPath, progress string
	var changeSpecs []string
	cmd := &cobra.Command{
		Use:   "model CAPTURE",
		Short: "Decide every frame of a capture with the reference model and write the decision log",
		Long: `model reads a pcap or pcapng capture (Ethernet, Linux SLL/SLL2 or raw IP),
decides every frame with the Go reference model (SPEC sections 2-5) and writes
the SPEC 4 decision log: to stdout, or to OUT.tsv with -o. A summary (frames,
counts per action and reason, per-TM load, frames/s) goes to stderr.

--change FRAME:IMG (repeatable) replaces the table of the image's partition
before frame FRAME is decided (frames count from 1), as a device would
between frames.`,
		Example: `  flowsteer model capture.pcap > sw.tsv
  flowsteer model capture.pcapng --config steer.yaml -o sw.tsv
  flowsteer model big.pcap -o /dev/null --progress always
  flowsteer model capture.pcap --change 5000:new.fstb -o sw.tsv`,
		Args: exactArgs(1, "CAPTURE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := replay.LoadConfig(configPath)
			if err != nil {
				return err
			}
			changes, err := replay.ParseChanges(changeSpecs)
			if err != nil {
				return usageError("model: --change: %v", err)
			}
			bar, err := newProgressBar(env, progress, -1, "model", "frames")
			if err != nil {
				return err
			}
			var prog replay.Progress
			if bar != nil {
				prog = func(n uint64) { _ = bar.Set64(int64(n)) }
			}
			var sum replay.Summary
			if outPath == "" || outPath == "-" {
				sum, err = replay.RunWithChanges(args[0], cfg, changes, env.Stdout, prog)
			} else {
				sum, err = replay.WriteLogFileWithChanges(args[0], outPath, cfg, changes, prog)
			}
			finishBar(bar)
			if err != nil {
				return err
			}
			return sum.Write(env.Stderr)
		},
	}
	cmd.Flags().StringVar(&configPath, "config", "", "configuration file (YAML or JSON; SPEC 1 defaults when absent)")
	cmd.Flags().StringVarP(&outPath, "output", "o", "", "write the decision log here instead of stdout")
	cmd.Flags().StringArrayVar(&changeSpecs, "change", nil, "table change FRAME:IMG: image IMG replaces its partition's table before frame FRAME (repeatable)")
	addProgressFlag(cmd.Flags(), &progress)
	return cmd
}
