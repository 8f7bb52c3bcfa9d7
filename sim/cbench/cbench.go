// Package cbench runs the plain C++ Verilator harness (sim/bench/fs_bench.cpp,
// built as build/sim/fs_bench) and reads its one-line result: the speed
// baseline that `make sim-bench` and `make tb-bench` print the Go
// co-simulation against.
package cbench

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// Result is the harness's line "frames N bytes B cycles C seconds S
// frames_per_s F cycles_per_s R dec_fnv H egress_fnv E".
type Result struct {
	Frames, Cycles                  uint64
	Seconds, FramesPerS, CyclesPerS float64
	// DecFNV and EgressFNV are FNV-1a 64 over the decision words (8 bytes
	// each, little-endian) and over the egress bytes, in order, as 16 hex
	// digits: what the Go driver compares its own results with.
	DecFNV, EgressFNV string
}

// Run runs bin on a frames file (sim/framefile) and parses its last output
// line (the RTL may print notes before it).
func Run(bin, framesPath string) (Result, error) {
	out, err := exec.Command(bin, framesPath).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return Result{}, fmt.Errorf("%s: %v: %s", bin, err, bytes.TrimSpace(ee.Stderr))
		}
		return Result{}, err
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	r, err := Parse(lines[len(lines)-1])
	if err != nil {
		return Result{}, fmt.Errorf("%s output %q: %w", bin, out, err)
	}
	return r, nil
}

// Parse reads one result line. Every field is required.
func Parse(line string) (Result, error) {
	f := strings.Fields(line)
	if len(f) == 0 || len(f)%2 != 0 {
		return Result{}, errors.New("want key/value pairs")
	}
	kv := map[string]string{}
	for i := 0; i < len(f); i += 2 {
		kv[f[i]] = f[i+1]
	}
	var r Result
	var errs []error
	num := func(k string) float64 {
		s, ok := kv[k]
		if !ok {
			errs = append(errs, fmt.Errorf("missing %s", k))
			return 0
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k, err))
		}
		return v
	}
	hash := func(k string) string {
		s, ok := kv[k]
		if _, err := strconv.ParseUint(s, 16, 64); !ok || err != nil || len(s) != 16 {
			errs = append(errs, fmt.Errorf("%s: want 16 hex digits, got %q", k, s))
		}
		return s
	}
	r.Frames = uint64(num("frames"))
	r.Cycles = uint64(num("cycles"))
	r.Seconds = num("seconds")
	r.FramesPerS = num("frames_per_s")
	r.CyclesPerS = num("cycles_per_s")
	r.DecFNV = hash("dec_fnv")
	r.EgressFNV = hash("egress_fnv")
	return r, errors.Join(errs...)
}

// OkMiss is how the bench tools print a target: "ok" or "MISS".
func OkMiss(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISS"
}
