package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
	"github.com/flowsteer/flowsteer/host/replay"
	"github.com/flowsteer/flowsteer/sim"
	"github.com/flowsteer/flowsteer/testbench"
)

func init() { register("cosim", newCosimCmd) }

// cosimFlags are the flags cosim and compare share.
type cosimFlags struct {
	config       string
	changes      []string
	backpressure string
	seed         uint64
	viaLink      bool
	batch        int
}

func (f *cosimFlags) add(cmd *cobra.Command, defaultBP string) {
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration file (YAML or JSON; SPEC 1 defaults when absent), written to the device through its registers")
	fl.StringArrayVar(&f.changes, "change", nil, "table change FRAME:IMG: image IMG replaces its partition's table before frame FRAME, through the shadow bank and COMMIT (repeatable)")
	fl.StringVar(&f.backpressure, "backpressure", defaultBP, "stream backpressure: none, random, bursty, decstall, or mixed (rotates per batch)")
	fl.Uint64Var(&f.seed, "seed", 1, "seed of the backpressure patterns")
	fl.BoolVar(&f.viaLink, "link", false, "program the device through fs_link_bridge and the link protocol instead of the direct register port")
	fl.IntVar(&f.batch, "batch", testbench.DefaultBatch, "frames per simulator call")
}

// cosimInput is what both commands load before touching the simulator.
type cosimInput struct {
	cfg     *host.Config
	frames  [][]byte
	changes []testbench.Change
	opts    testbench.Options
}

func (f *cosimFlags) load(name, capPath string) (*cosimInput, error) {
	pat, err := testbench.ParsePattern(f.backpressure)
	if err != nil {
		return nil, usageError("%s: --%v", name, err)
	}
	if f.batch < 1 {
		return nil, usageError("%s: --batch must be at least 1", name)
	}
	changes, err := testbench.ParseChanges(f.changes)
	if err != nil {
		return nil, usageError("%s: --change: %v", name, err)
	}
	cfg, err := replay.LoadConfig(f.config)
	if err != nil {
		return nil, err
	}
	fr, err := capture.ReadAll(capPath, replay.CaptureOptions(cfg))
	if err != nil {
		return nil, err
	}
	frames := make([][]byte, len(fr))
	for i := range fr {
		frames[i] = fr[i].Data
	}
	for _, c := range changes {
		if c.Frame > uint64(len(frames)) {
			return nil, fmt.Errorf("change %v: the capture has only %d frames", c, len(frames))
		}
	}
	return &cosimInput{cfg: cfg, frames: frames, changes: changes,
		opts: testbench.Options{Pattern: pat, Seed: f.seed, ViaLink: f.viaLink, Batch: f.batch}}, nil
}

func newCosimCmd(env *Env) *cobra.Command {
	var f cosimFlags
	var outPath, fstPath, reportDir string
	cmd := &cobra.Command{
		Use:   "cosim CAPTURE",
		Short: "Run a capture through the Verilated RTL and write the hardware's decision log",
		Long: `cosim programs a simulated board (the Verilated RTL, hdl/) with the
configuration through its registers, exactly as a real board is programmed
(CTRL, MACs, rules, keys, equal_ports_tm, tables through shadow bank and
COMMIT), sends every frame of the capture through the pipeline and writes
the SPEC 4 decision log the hardware produced: to stdout, or to OUT.tsv
with -o. A summary (frames, counts per action and reason, per-TM load,
cycles, frames/s) goes to stderr.

No reference model is consulted (that is "flowsteer compare"), but the run
still fails if the pipeline loses, duplicates, reorders or changes a frame,
drives a tdest that disagrees with its decision, a malformed decision word,
or does not drain; then a report with a waveform goes to --report.

--backpressure shapes the AXI streams (tvalid gaps on ingress, tready drops
on egress and on the decision stream); --link sends the register traffic
through fs_link_bridge and the link protocol; --fst dumps a waveform of the
whole run (large; use on short captures).`,
		Example: `  flowsteer cosim capture.pcap -o hw.tsv
  flowsteer cosim capture.pcapng --config steer.yaml --backpressure random --seed 7 -o hw.tsv
  flowsteer cosim capture.pcap --change 5000:new.img --link -o hw.tsv
  flowsteer cosim small.pcap --fst wave.fst -o hw.tsv`,
		Args: exactArgs(1, "CAPTURE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := f.load("cosim", args[0])
			if err != nil {
				return err
			}
			in.opts.NoModel = true
			in.opts.FST = fstPath
			in.opts.ReportDir = reportDir
			out, commit, err := openLogOutput(env, outPath)
			if err != nil {
				return err
			}
			in.opts.HWLog = out
			b, err := testbench.New(in.cfg, in.opts)
			if err != nil {
				commit(false)
				return err
			}
			defer b.Close()
			err = b.Run(in.frames, in.changes)
			if err == nil {
				err = b.Finish()
			}
			if cerr := commit(err == nil); err == nil && cerr != nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			sum := b.HW
			sum.Elapsed = b.SimElapsed
			if err := sum.Write(env.Stderr); err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "%d cycles, %.0f cycles/s, %.1f cycles/frame; %d table commits; RTL %s\n",
				b.Cycles, float64(b.Cycles)/b.SimElapsed.Seconds(), float64(b.Cycles)/float64(max(1, b.Frames())), b.Commits, sim.BuildInfo())
			return nil
		},
	}
	f.add(cmd, "none")
	cmd.Flags().StringVarP(&outPath, "output", "o", "", "write the hardware decision log here instead of stdout")
	cmd.Flags().StringVar(&fstPath, "fst", "", "write an FST waveform of the whole run")
	cmd.Flags().StringVar(&reportDir, "report", "cosim-report", "directory for the failure report")
	return cmd
}

// openLogOutput returns where a log goes and a commit function: for a file,
// a temporary name renamed into place on success (a failed run leaves no
// half-written log), removed otherwise.
func openLogOutput(env *Env, path string) (io.Writer, func(ok bool) error, error) {
	if path == "" || path == "-" {
		return env.Stdout, func(bool) error { return nil }, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".flowsteer-log-*")
	if err != nil {
		return nil, nil, err
	}
	return tmp, func(ok bool) error {
		cerr := tmp.Close()
		if !ok || cerr != nil {
			os.Remove(tmp.Name())
			return cerr
		}
		if err := os.Chmod(tmp.Name(), 0o644); err != nil {
			return err
		}
		return os.Rename(tmp.Name(), path)
	}, nil
}
