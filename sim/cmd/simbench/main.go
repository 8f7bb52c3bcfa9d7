// Command simbench is `make sim-bench`: it runs the same frames (every
// capture in ../shared/traces) through the Go co-simulation (package sim,
// batched Run calls) and through the plain C++ Verilator harness
// (build/sim/fs_bench), and prints both speeds from one run, the ratio, and
// whether both drivers saw identical decisions and egress bytes.
//
//	go run ./sim/cmd/simbench -cbench build/sim/fs_bench -frames build/sim/bench_frames.bin
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"time"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/replay"
	"github.com/flowsteer/flowsteer/sim"
	cbenchpkg "github.com/flowsteer/flowsteer/sim/cbench"
	"github.com/flowsteer/flowsteer/sim/framefile"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "simbench:", err)
		os.Exit(1)
	}
}

func run() error {
	cbench := flag.String("cbench", "build/sim/fs_bench", "C++ baseline harness binary")
	framesPath := flag.String("frames", "build/sim/bench_frames.bin", "raw frames file to write for the C++ harness")
	traces := flag.String("traces", "", "capture directory (default $FLOWSTEER_SHARED/traces, else ../shared/traces)")
	batch := flag.Int("batch", 8192, "frames per sim.Run call")
	flag.Parse()
	if *batch < 1 {
		return errors.New("-batch must be at least 1")
	}
	dir := *traces
	if dir == "" {
		shared := os.Getenv("FLOWSTEER_SHARED")
		if shared == "" {
			shared = "../shared"
		}
		dir = filepath.Join(shared, "traces")
	}
	frames, files, err := replay.ReadFrames(dir, host.DefaultConfig())
	if err != nil {
		return err
	}
	total := 0
	for _, f := range frames {
		total += len(f)
	}
	if err := framefile.Write(*framesPath, frames); err != nil {
		return err
	}
	fmt.Printf("sim-bench: %d frames, %.1f MB from %d captures in %s\n", len(frames), float64(total)/1e6, files, dir)
	fmt.Printf("  RTL: %s\n", sim.BuildInfo())

	// C++ first: its numbers do not depend on anything the Go side did.
	c, err := cbenchpkg.Run(*cbench, *framesPath)
	if err != nil {
		return err
	}

	s, err := sim.New(sim.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	decHash, egrHash := fnv.New64a(), fnv.New64a()
	var cycles uint64
	start := time.Now()
	for lo := 0; lo < len(frames); lo += *batch {
		hi := min(lo+*batch, len(frames))
		res, err := s.Run(frames[lo:hi], sim.Backpressure{})
		if err != nil {
			return fmt.Errorf("frames %d..%d: %w", lo+1, hi, err)
		}
		cycles += res.Cycles
		// hashing stays inside the timed region: a real caller also walks
		// the results, and it is cheap next to the model
		var w [8]byte
		for _, d := range res.Decisions {
			binary.LittleEndian.PutUint64(w[:], d)
			decHash.Write(w[:])
		}
		for _, e := range res.Egress {
			egrHash.Write(e)
		}
	}
	goSec := time.Since(start).Seconds()
	goFPS := float64(len(frames)) / goSec
	goCPS := float64(cycles) / goSec

	fmt.Printf("  C++ harness: %9.0f frames/s  %6.2f Mcycles/s  (%d cycles, %.2f s)\n",
		c.FramesPerS, c.CyclesPerS/1e6, c.Cycles, c.Seconds)
	fmt.Printf("  Go co-sim:   %9.0f frames/s  %6.2f Mcycles/s  (%d cycles, %.2f s, batches of %d)\n",
		goFPS, goCPS/1e6, cycles, goSec, *batch)
	ratio := goFPS / c.FramesPerS
	fmt.Printf("  Go/C++: %.0f%% (target >= 50%%: %s); Go frames/s target >= 300k: %s\n",
		100*ratio, cbenchpkg.OkMiss(ratio >= 0.5), cbenchpkg.OkMiss(goFPS >= 300e3))
	same := fmt.Sprintf("%016x", decHash.Sum64()) == c.DecFNV &&
		fmt.Sprintf("%016x", egrHash.Sum64()) == c.EgressFNV
	if !same {
		return fmt.Errorf("Go and C++ drivers disagree: decisions %016x vs %s, egress %016x vs %s",
			decHash.Sum64(), c.DecFNV, egrHash.Sum64(), c.EgressFNV)
	}
	fmt.Println("  decisions and egress identical between the two drivers: yes")
	return nil
}
