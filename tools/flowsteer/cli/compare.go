package cli

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/replay"
	"github.com/flowsteer/flowsteer/testbench"
)

func init() { register("compare", newCompareCmd) }

func newCompareCmd(env *Env) *cobra.Command {
	var f cosimFlags
	var reportDir, pngPath string
	var inFlight bool
	cmd := &cobra.Command{
		Use:   "compare CAPTURE",
		Short: "Co-simulate a capture and compare the RTL's decisions with the reference model",
		Long: `compare decides every frame of the capture twice: with the Go reference model
(as "flowsteer model") and with the Verilated RTL programmed through its
registers (as "flowsteer cosim"), record by record. It also checks that
every egress frame equals its input byte for byte with tdest = {action, tm},
that nothing is lost, duplicated or reordered, that the pipeline drains and
that the device's counters agree.

It prints the number of frames and of mismatching frames, the counts per
action and reason of both sides, and both speeds. Any difference exits 1 and
writes a report directory (--report): the first mismatching frame's number,
both SPEC 4 records, the frame in hex and as a one-frame pcap, and an FST
waveform of the cycles around it from a fresh simulator set up the same way.

--change FRAME:IMG applies a table before frame FRAME on both sides (on the
device through the shadow bank and COMMIT). --png draws the per-TM load of
both sides as bars.

--commit-in-flight (with --link) writes each change's COMMIT while the
frames from FRAME on stream in, so it meets frames already in the pipeline;
the hardware then switches tables at a frame of its choosing within the
first few after FRAME, which compare infers (every frame before it must
match the old table, every frame from it the new one) and prints. Without
it, the pipeline is drained at each change.`,
		Example: `  flowsteer compare capture.pcap
  flowsteer compare capture.pcapng --config steer.yaml --png load.png
  flowsteer compare capture.pcap --change 2000:new.img --backpressure bursty --seed 3
  flowsteer compare capture.pcap --link --report /tmp/mismatch`,
		Args: exactArgs(1, "CAPTURE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := f.load("compare", args[0])
			if err != nil {
				return err
			}
			in.opts.ReportDir = reportDir
			in.opts.KeepGoing = true
			if inFlight && !f.viaLink {
				return usageError("compare: --commit-in-flight needs --link (the COMMIT goes through the link bridge)")
			}
			in.opts.InFlightCommits = inFlight
			p, err := in.pool()
			if err != nil {
				return err
			}
			defer p.Close()
			runErr := in.run(p)
			if runErr == nil {
				runErr = p.Finish()
			}
			sw, hw := p.Summaries()
			writeComparison(env.Stdout, filepath.Base(args[0]), p, &sw, &hw)
			if pngPath != "" {
				title := fmt.Sprintf("%s: per-TM load, model vs co-simulation", filepath.Base(args[0]))
				if err := testbench.WriteLoadPNG(pngPath, title, &sw, &hw); err != nil {
					return err
				}
			}
			if runErr != nil {
				return runErr
			}
			if n, first := p.Mismatches(); n > 0 {
				return fmt.Errorf("compare: %d of %d frames differ; first: %v", n, p.Frames(), first)
			}
			fmt.Fprintln(env.Stdout, "compare: model and RTL agree on every frame")
			return nil
		},
	}
	f.add(cmd, "random")
	cmd.Flags().StringVar(&reportDir, "report", "compare-report", "directory for the mismatch report")
	cmd.Flags().BoolVar(&inFlight, "commit-in-flight", false, "with --link: write each change's COMMIT while traffic flows (no flow state)")
	cmd.Flags().StringVar(&pngPath, "png", "", "write a bar chart of per-TM load (model vs hardware) to this PNG")
	return cmd
}

// writeComparison prints both sides' counts in two columns.
func writeComparison(w io.Writer, name string, p *testbench.Pool, sw, hw *replay.Summary) {
	mismatches, _ := p.Mismatches()
	fmt.Fprintf(w, "capture     %s\n", name)
	fmt.Fprintf(w, "frames      %d\n", p.Frames())
	fmt.Fprintf(w, "mismatches  %d\n", mismatches)
	if n := len(p.Benches()); n > 1 {
		fmt.Fprintf(w, "simulators  %d (frames split between them, run in parallel)\n", n)
	}
	if p.Commits > 0 {
		fmt.Fprintf(w, "commits     %d", p.Commits)
		if n, frames := p.InFlight(); n > 0 {
			fmt.Fprintf(w, " (%d in flight; the hardware switched at these frames: %v)", n, frames)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%-20s %12s %12s\n", "", "model", "hardware")
	for a := 0; a < host.NumActions; a++ {
		if sw.Actions[a] == 0 && hw.Actions[a] == 0 {
			continue
		}
		fmt.Fprintf(w, "%-20s %12d %12d%s\n", host.Action(a), sw.Actions[a], hw.Actions[a], diffMark(sw.Actions[a], hw.Actions[a]))
		for r := 0; r < host.NumReasons; r++ {
			if host.Reason(r).Action() == host.Action(a) && (sw.Reasons[r] > 0 || hw.Reasons[r] > 0) {
				fmt.Fprintf(w, "  %-18s %12d %12d%s\n", host.Reason(r), sw.Reasons[r], hw.Reasons[r], diffMark(sw.Reasons[r], hw.Reasons[r]))
			}
		}
	}
	fmt.Fprintf(w, "%-20s %12.0f %12.0f\n", "frames/s", sw.FramesPerSecond(), hw.FramesPerSecond())
	if p.SimElapsed > 0 {
		fmt.Fprintf(w, "%-20s %12s %12.0f\n", "cycles/s", "", float64(p.Cycles)/p.SimElapsed.Seconds())
	}
}

func diffMark(a, b uint64) string {
	if a != b {
		return "  <- differs"
	}
	return ""
}
