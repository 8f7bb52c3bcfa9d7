// Command tbbench is the testbench's `make bench` figure: one real capture
// through the plain C++ Verilator harness (build/sim/fs_bench) and through
// the Go co-simulation as `flowsteer compare` runs it (driver-programmed
// device, batched sim.Run, model, scoreboard), printed from one run with
// the targets: Go co-sim >= 50% of the C++ harness, >= 300k frames/s.
// -capture may name a directory: every capture in it, in name order, makes
// one mix (frames per second depend on frame length: one 64-bit beat per
// cycle, so a mix of short frames runs at more frames/s than long ones).
// With -jobs N (default: the CPUs, as flowsteer compare's default --jobs 0
// picks), compare also runs with N simulators in parallel (testbench.Pool),
// flow state off. With -per-capture, every capture of the directory is then
// also run alone through the Go side (repeated to at least -per-capture-min
// frames), with one simulator and with N, one line each, with how many
// reach 300k frames/s.
//
//	go run ./testbench/cmd/tbbench -cbench build/sim/fs_bench -capture testdata/demo/many-protocols.pcap
//	go run ./testbench/cmd/tbbench -cbench build/sim/fs_bench -capture ../shared/traces -repeat 1
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/replay"
	"github.com/flowsteer/flowsteer/sim"
	cbenchpkg "github.com/flowsteer/flowsteer/sim/cbench"
	"github.com/flowsteer/flowsteer/sim/framefile"
	"github.com/flowsteer/flowsteer/testbench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tbbench:", err)
		os.Exit(1)
	}
}

func run() error {
	cbench := flag.String("cbench", "build/sim/fs_bench", "C++ baseline harness binary")
	capPath := flag.String("capture", "testdata/demo/many-protocols.pcap", "capture to run, or a directory of captures to run as one mix")
	framesPath := flag.String("frames", "build/tb/bench_frames.bin", "raw frames file written for the C++ harness")
	repeat := flag.Int("repeat", 4, "run the capture this many times back to back (steadier figures)")
	batch := flag.Int("batch", testbench.DefaultBatch, "frames per sim.Run")
	runs := flag.Int("runs", 3, "runs of each side; the fastest is printed")
	flowState := flag.Bool("flow-state", false, "run model and compare with SPEC 5 flow state on (CTRL.FLOW_EN)")
	perCapture := flag.Bool("per-capture", false, "with a directory: also run each capture alone (Go compare end to end)")
	perMin := flag.Int("per-capture-min", 20000, "with -per-capture: repeat each capture to at least this many frames")
	jobs := flag.Int("jobs", runtime.NumCPU(), "also run compare with this many simulators in parallel (flowsteer compare --jobs); 1 = skip")
	flag.Parse()
	if *repeat < 1 || *batch < 1 || *runs < 1 || *perMin < 1 || *jobs < 1 {
		return errors.New("-repeat, -batch, -runs, -per-capture-min and -jobs must be at least 1")
	}
	cfg := host.DefaultConfig()
	cfg.FlowState.Enabled = *flowState
	fr, files, err := replay.ReadFrames(*capPath, cfg)
	if err != nil {
		return err
	}
	var frames [][]byte
	for r := 0; r < *repeat; r++ {
		frames = append(frames, fr...)
	}
	bytes := 0
	for _, f := range frames {
		bytes += len(f)
	}
	if err := os.MkdirAll(filepath.Dir(*framesPath), 0o755); err != nil {
		return err
	}
	if err := framefile.Write(*framesPath, frames); err != nil {
		return err
	}
	fmt.Printf("tb-bench: %s (%d capture files) x%d = %d frames, %.1f MB, no backpressure, flow state %v\n",
		filepath.Base(*capPath), files, *repeat, len(frames), float64(bytes)/1e6, *flowState)
	fmt.Printf("  RTL: %s\n", sim.BuildInfo())

	// Each side runs -runs times, alternating, and the fastest run of each
	// is printed: on a shared or virtual machine single runs of either side
	// vary by up to 2x, and the best run is the one least disturbed.
	var c cbenchpkg.Result
	var best goRun
	for r := 0; r < *runs; r++ {
		cr, err := cbenchpkg.Run(*cbench, *framesPath)
		if err != nil {
			return err
		}
		if r == 0 || cr.Seconds < c.Seconds {
			c = cr
		}
		g, err := runGo(cfg, frames, *batch)
		if err != nil {
			return err
		}
		if r == 0 || g.wall < best.wall {
			best = g
		}
	}
	simFPS := float64(best.frames) / best.sim
	endFPS := float64(best.frames) / best.wall
	fmt.Printf("  C++ harness:            %9.0f frames/s  %6.2f Mcycles/s  (%d cycles, %.2f s)\n",
		c.FramesPerS, c.CyclesPerS/1e6, c.Cycles, c.Seconds)
	fmt.Printf("  Go co-sim (sim.Run):    %9.0f frames/s  %6.2f Mcycles/s  (%d cycles, %.2f s, batches of %d)\n",
		simFPS, float64(best.cycles)/best.sim/1e6, best.cycles, best.sim, *batch)
	fmt.Printf("  Go compare end to end, one simulator (compare --jobs 1): %.0f frames/s  (model %.0f frames/s, scoreboard and checks included, %.2f s)\n",
		endFPS, float64(best.frames)/best.model, best.wall)
	ratio := endFPS / c.FramesPerS
	fmt.Printf("  compare/C++: %.0f%% (target >= 50%%: %s); one simulator >= 300k frames/s: %s; %.1f cycles/frame\n",
		100*ratio, cbenchpkg.OkMiss(ratio >= 0.5), cbenchpkg.OkMiss(endFPS >= 300e3), float64(best.cycles)/float64(best.frames))
	fmt.Printf("  (fastest of %d alternating runs of each side)\n", *runs)
	poolJobs := *jobs // the pool's simulators; flow state needs one
	if *flowState {
		poolJobs = 1
	}
	if poolJobs > 1 {
		// The same frames as flowsteer compare --jobs runs them: chunks of
		// 64k frames, each split between the simulators.
		bestJ, err := fastest(*runs, func() (goRun, error) { return runGoPool(cfg, frames, *batch, poolJobs) })
		if err != nil {
			return err
		}
		jFPS := float64(bestJ.frames) / bestJ.wall
		fmt.Printf("  Go compare end to end, %d simulators in parallel (compare --jobs %d; its default on %d CPUs): %.0f frames/s, %.2fx one simulator, %.0f%% of the C++ harness; >= 300k: %s\n",
			poolJobs, poolJobs, runtime.NumCPU(), jFPS, jFPS/endFPS, 100*jFPS/c.FramesPerS, cbenchpkg.OkMiss(jFPS >= 300e3))
	}
	if *perCapture {
		return runPerCapture(cfg, *capPath, *perMin, *batch, *runs, poolJobs)
	}
	return nil
}

// fastest calls run `runs` times and keeps the result with the least wall time.
func fastest(runs int, run func() (goRun, error)) (goRun, error) {
	var best goRun
	for r := 0; r < runs; r++ {
		g, err := run()
		if err != nil {
			return goRun{}, err
		}
		if r == 0 || g.wall < best.wall {
			best = g
		}
	}
	return best, nil
}

// runPerCapture runs each capture of dir alone through the Go side and
// prints its frames/s beside its cycles per frame (the figure that decides
// it: the pipeline takes one 64-bit beat per cycle).
func runPerCapture(cfg *host.Config, dir string, minFrames, batch, runs, jobs int) error {
	names, err := replay.CaptureFiles(dir)
	if err != nil {
		return err
	}
	fmt.Printf("  per capture, alone (Go compare end to end, repeated to >= %d frames, fastest of %d):\n", minFrames, runs)
	poolCol := ""
	if jobs > 1 {
		poolCol = fmt.Sprintf("%d simulators", jobs)
	}
	fmt.Printf("    %-44s %8s %12s %14s %14s\n", "capture", "frames", "cycles/frame", "1 simulator", poolCol)
	reach, reachPool := 0, 0
	for _, n := range names {
		fr, _, err := replay.ReadFrames(n, cfg)
		if err != nil {
			return err
		}
		frames := fr
		for len(frames) < minFrames {
			frames = append(frames, fr...)
		}
		best, err := fastest(runs, func() (goRun, error) { return runGo(cfg, frames, batch) })
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(n), err)
		}
		fps := float64(best.frames) / best.wall
		if fps >= 300e3 {
			reach++
		}
		poolFPS := ""
		if jobs > 1 {
			bestJ, err := fastest(runs, func() (goRun, error) { return runGoPool(cfg, frames, batch, jobs) })
			if err != nil {
				return fmt.Errorf("%s: %w", filepath.Base(n), err)
			}
			f := float64(bestJ.frames) / bestJ.wall
			if f >= 300e3 {
				reachPool++
			}
			poolFPS = fmt.Sprintf("%.0f", f)
		}
		fmt.Printf("    %-44s %8d %12.1f %14.0f %14s\n", filepath.Base(n), len(fr),
			float64(best.cycles)/float64(best.frames), fps, poolFPS)
	}
	fmt.Printf("  %d of %d captures reach 300k frames/s alone with one simulator", reach, len(names))
	if jobs > 1 {
		fmt.Printf(", %d with %d", reachPool, jobs)
	}
	fmt.Println()
	return nil
}

// runGoPool is runGo with a testbench.Pool of jobs simulators, fed in
// chunks of 64k frames as flowsteer compare feeds it.
func runGoPool(cfg *host.Config, frames [][]byte, batch, jobs int) (goRun, error) {
	p, err := testbench.NewPool(cfg, testbench.Options{Pattern: testbench.PatternNone, Batch: batch, ReportDir: "build/tb/bench-report"}, jobs)
	if err != nil {
		return goRun{}, err
	}
	defer p.Close()
	start := time.Now()
	for lo := 0; lo < len(frames); lo += 1 << 16 {
		if err := p.Run(frames[lo:min(len(frames), lo+1<<16)], nil); err != nil {
			return goRun{}, err
		}
	}
	wall := time.Since(start).Seconds()
	if err := p.Finish(); err != nil {
		return goRun{}, err
	}
	if n, _ := p.Mismatches(); n > 0 {
		return goRun{}, fmt.Errorf("%d mismatches", n)
	}
	return goRun{frames: p.Frames(), cycles: p.Cycles, wall: wall, sim: p.SimElapsed.Seconds(),
		model: p.ModelElapsed.Seconds()}, nil
}

// goRun is one Go co-simulation of the frames, as `flowsteer compare` does it.
type goRun struct {
	frames, cycles   uint64
	wall, sim, model float64 // seconds: end to end, inside sim.Run, in the model
}

func runGo(cfg *host.Config, frames [][]byte, batch int) (goRun, error) {
	b, err := testbench.New(cfg, testbench.Options{Pattern: testbench.PatternNone, Batch: batch, ReportDir: "build/tb/bench-report"})
	if err != nil {
		return goRun{}, err
	}
	defer b.Close()
	start := time.Now()
	if err := b.Run(frames, nil); err != nil {
		return goRun{}, err
	}
	wall := time.Since(start).Seconds()
	if err := b.Finish(); err != nil {
		return goRun{}, err
	}
	if b.Mismatches > 0 {
		return goRun{}, fmt.Errorf("%d mismatches", b.Mismatches)
	}
	return goRun{frames: b.Frames(), cycles: b.Cycles, wall: wall, sim: b.SimElapsed.Seconds(),
		model: b.ModelElapsed.Seconds()}, nil
}
