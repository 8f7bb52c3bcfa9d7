package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

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
	jobs         int
}

func (f *cosimFlags) add(cmd *cobra.Command, defaultBP string) {
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration file (YAML or JSON; SPEC 1 defaults when absent), written to the device through its registers")
	fl.StringArrayVar(&f.changes, "change", nil, "table change FRAME:IMG: image IMG replaces its partition's table before frame FRAME, through the shadow bank and COMMIT (repeatable)")
	fl.StringVar(&f.backpressure, "backpressure", defaultBP, "stream backpressure: none, random, bursty, decstall, or mixed (rotates per batch)")
	fl.Uint64Var(&f.seed, "seed", 1, "seed of the backpressure patterns")
	fl.BoolVar(&f.viaLink, "link", false, "program the device through fs_link_bridge and the link protocol instead of the direct register port")
	fl.IntVar(&f.batch, "batch", testbench.DefaultBatch, "frames per simulator call")
	fl.IntVarP(&f.jobs, "jobs", "j", 0, "simulators run in parallel, each a whole device taking its share of every chunk of frames (flow state off, drained commits, no --fst); 0: one per CPU, up to 8, when the run allows it, else one")
}

// cosimInput is what both commands load before touching the simulator. The
// capture itself is streamed (run), so a capture larger than memory works.
type cosimInput struct {
	cfg     *host.Config
	capPath string
	changes []testbench.Change
	opts    testbench.Options
	jobs    int
}

// autoJobs is --jobs 0: one simulator per CPU (up to maxAutoJobs) when a
// pool may split the run (testbench.Unsplittable), else one.
func autoJobs(cfg *host.Config, opts testbench.Options, cpus int) int {
	if testbench.Unsplittable(cfg, opts) != "" {
		return 1
	}
	return max(1, min(cpus, maxAutoJobs))
}

// maxAutoJobs caps --jobs 0: past a few simulators the capture reader, the
// log merge and memory bandwidth, not the simulators, set the pace.
const maxAutoJobs = 8

// pool builds the simulators: --jobs of them, or with --jobs 0 as autoJobs
// picks. Asking for several where they cannot split the run is a usage
// error.
func (in *cosimInput) pool() (*testbench.Pool, error) {
	jobs := in.jobs
	if jobs == 0 {
		jobs = autoJobs(in.cfg, in.opts, runtime.NumCPU())
	}
	if why := testbench.Unsplittable(in.cfg, in.opts); jobs > 1 && why != "" {
		return nil, usageError("--jobs %d: this run needs one simulator: %s", jobs, why)
	}
	return testbench.NewPool(in.cfg, in.opts, jobs)
}

// streamChunk is how many frames are read ahead of the simulator at a time:
// enough for many sim.Run batches, few enough that memory stays bounded.
// (A variable so that tests can make chunk boundaries fall inside small
// captures.)
var streamChunk = 1 << 16

func (f *cosimFlags) load(name, capPath string) (*cosimInput, error) {
	pat, err := testbench.ParsePattern(f.backpressure)
	if err != nil {
		return nil, usageError("%s: --%v", name, err)
	}
	if f.batch < 1 {
		return nil, usageError("%s: --batch must be at least 1", name)
	}
	if f.jobs < 0 || f.jobs > 64 {
		return nil, usageError("%s: --jobs must be 0 (one per CPU) to 64", name)
	}
	changes, err := testbench.ParseChanges(f.changes)
	if err != nil {
		return nil, usageError("%s: --change: %v", name, err)
	}
	cfg, err := replay.LoadConfig(f.config)
	if err != nil {
		return nil, err
	}
	// Open once now: a missing file, a bad header or an unsupported link
	// type is reported before the simulator starts.
	r, err := capture.Open(capPath, replay.CaptureOptions(cfg))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if len(changes) > 0 {
		// A change past the end is a usage mistake; find it before a long run.
		last := changes[len(changes)-1]
		n, err := countFrames(r, last.Frame)
		if err != nil {
			return nil, err
		}
		if last.Frame > n {
			return nil, fmt.Errorf("change %v: the capture has only %d frames", last, n)
		}
	}
	return &cosimInput{cfg: cfg, capPath: capPath, changes: changes,
		opts: testbench.Options{Pattern: pat, Seed: f.seed, ViaLink: f.viaLink, Batch: f.batch}, jobs: f.jobs}, nil
}

// countFrames reads up to want frames and says how many there were.
func countFrames(r *capture.Reader, want uint64) (uint64, error) {
	for n := uint64(0); n < want; n++ {
		if _, err := r.Next(); err == io.EOF {
			return n, nil
		} else if err != nil {
			return n, err
		}
	}
	return want, nil
}

// run streams the capture through the bench in chunks of streamChunk frames,
// handing each chunk the changes that fall inside it. Each chunk gets fresh
// buffers: the bench may keep earlier frames (flow-state history).
func (in *cosimInput) run(b *testbench.Pool) error {
	r, err := capture.Open(in.capPath, replay.CaptureOptions(in.cfg))
	if err != nil {
		return err
	}
	defer r.Close()
	changes := in.changes
	done := uint64(0)
	for {
		chunk, readErr := readChunk(r, streamChunk)
		if len(chunk) > 0 {
			end := done + uint64(len(chunk))
			n := 0
			for n < len(changes) && changes[n].Frame <= end {
				n++
			}
			if err := b.Run(chunk, changes[:n]); err != nil {
				return err
			}
			changes, done = changes[n:], end
		}
		if readErr == io.EOF {
			break
		}
		if readErr != nil {
			return readErr
		}
	}
	if len(changes) > 0 { // the file changed since load counted it
		return fmt.Errorf("change %v: the capture has only %d frames", changes[0], done)
	}
	return nil
}

// readChunk copies up to n frames out of the reader into one buffer.
func readChunk(r *capture.Reader, n int) ([][]byte, error) {
	var buf []byte
	var lens []int
	var err error
	for len(lens) < n {
		var f capture.Frame
		if f, err = r.Next(); err != nil {
			break
		}
		buf = append(buf, f.Data...)
		lens = append(lens, len(f.Data))
	}
	frames := make([][]byte, len(lens))
	off := 0
	for i, l := range lens {
		frames[i] = buf[off : off+l : off+l]
		off += l
	}
	return frames, err
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
			b, err := in.pool()
			if err != nil {
				commit(false)
				return err
			}
			defer b.Close()
			err = in.run(b)
			if err == nil {
				err = b.Finish()
			}
			if cerr := commit(err == nil); err == nil && cerr != nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			_, sum := b.Summaries()
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
