// Command tbbench is the testbench's `make bench` figure: one real capture
// through the plain C++ Verilator harness (build/sim/fs_bench) and through
// the Go co-simulation as `flowsteer compare` runs it (driver-programmed
// device, batched sim.Run, model, scoreboard), printed from one run with
// the targets: Go co-sim >= 50% of the C++ harness, >= 300k frames/s.
//
//	go run ./testbench/cmd/tbbench -cbench build/sim/fs_bench -capture testdata/demo/many-protocols.pcap
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
	"github.com/flowsteer/flowsteer/host/replay"
	"github.com/flowsteer/flowsteer/sim"
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
	capPath := flag.String("capture", "testdata/demo/many-protocols.pcap", "capture to run")
	framesPath := flag.String("frames", "build/tb/bench_frames.bin", "raw frames file written for the C++ harness")
	repeat := flag.Int("repeat", 4, "run the capture this many times back to back (steadier figures)")
	batch := flag.Int("batch", testbench.DefaultBatch, "frames per sim.Run")
	flowState := flag.Bool("flow-state", false, "run model and compare with SPEC 5 flow state on (CTRL.FLOW_EN)")
	flag.Parse()
	if *repeat < 1 || *batch < 1 {
		return errors.New("-repeat and -batch must be at least 1")
	}
	cfg := host.DefaultConfig()
	cfg.FlowState.Enabled = *flowState
	fr, err := capture.ReadAll(*capPath, replay.CaptureOptions(cfg))
	if err != nil {
		return err
	}
	var frames [][]byte
	for r := 0; r < *repeat; r++ {
		for i := range fr {
			frames = append(frames, fr[i].Data)
		}
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
	fmt.Printf("tb-bench: %s x%d = %d frames, %.1f MB, no backpressure, flow state %v\n", filepath.Base(*capPath), *repeat, len(frames), float64(bytes)/1e6, *flowState)
	fmt.Printf("  RTL: %s\n", sim.BuildInfo())

	out, err := exec.Command(*cbench, *framesPath).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("%s: %v: %s", *cbench, err, strings.TrimSpace(string(ee.Stderr)))
		}
		return err
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	c, err := keyValues(lines[len(lines)-1])
	if err != nil {
		return fmt.Errorf("%s output %q: %v", *cbench, out, err)
	}

	b, err := testbench.New(cfg, testbench.Options{Pattern: testbench.PatternNone, Batch: *batch, ReportDir: "build/tb/bench-report"})
	if err != nil {
		return err
	}
	defer b.Close()
	start := time.Now()
	if err := b.Run(frames, nil); err != nil {
		return err
	}
	wall := time.Since(start).Seconds()
	if err := b.Finish(); err != nil {
		return err
	}
	simSec := b.SimElapsed.Seconds()
	simFPS := float64(b.Frames()) / simSec
	endFPS := float64(b.Frames()) / wall
	fmt.Printf("  C++ harness:            %9.0f frames/s  %6.2f Mcycles/s  (%.0f cycles, %.2f s)\n",
		c["frames_per_s"], c["cycles_per_s"]/1e6, c["cycles"], c["seconds"])
	fmt.Printf("  Go co-sim (sim.Run):    %9.0f frames/s  %6.2f Mcycles/s  (%d cycles, %.2f s, batches of %d)\n",
		simFPS, float64(b.Cycles)/simSec/1e6, b.Cycles, simSec, *batch)
	fmt.Printf("  Go compare end to end:  %9.0f frames/s  (model %.0f frames/s, scoreboard and checks included, %.2f s)\n",
		endFPS, float64(b.Frames())/b.ModelElapsed.Seconds(), wall)
	ratio := endFPS / c["frames_per_s"]
	fmt.Printf("  compare/C++: %.0f%% (target >= 50%%: %s); compare frames/s >= 300k: %s; %.1f cycles/frame\n",
		100*ratio, okMiss(ratio >= 0.5), okMiss(endFPS >= 300e3), float64(b.Cycles)/float64(b.Frames()))
	if b.Mismatches > 0 {
		return fmt.Errorf("%d mismatches", b.Mismatches)
	}
	return nil
}

func okMiss(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISS"
}

// keyValues reads fs_bench's "key value key value ..." line.
func keyValues(line string) (map[string]float64, error) {
	f := strings.Fields(line)
	if len(f) == 0 || len(f)%2 != 0 {
		return nil, errors.New("want key/value pairs")
	}
	m := map[string]float64{}
	for i := 0; i < len(f); i += 2 {
		if strings.HasSuffix(f[i], "_fnv") {
			continue
		}
		v, err := strconv.ParseFloat(f[i+1], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f[i], err)
		}
		m[f[i]] = v
	}
	for _, k := range []string{"cycles", "seconds", "frames_per_s", "cycles_per_s"} {
		if _, ok := m[k]; !ok {
			return nil, fmt.Errorf("missing %s", k)
		}
	}
	return m, nil
}
