package testbench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/replay"
)

// Pool runs one stream of frames through several Benches at once: each a
// whole simulated device (its own Verilated model, driver and reference
// model), programmed the same way. Every Run splits its frames into
// contiguous parts of about equal simulation time, one per bench, and runs
// the parts in parallel; each bench first catches up with the changes that
// came before its part, so every frame meets the tables it would meet on
// one device. The decision of
// a frame then depends only on the frame and the tables in force, which is
// why a pool needs flow state off (with it, a frame's decision depends on
// every earlier frame) and drained commits (an in-flight commit's switch
// point depends on the pipeline's timing). Logs are written in frame
// order. With one bench a Pool is exactly that Bench.
type Pool struct {
	benches []*Bench
	applied []int    // per bench: how many of changes it has applied
	changes []Change // every change seen so far, in frame order
	done    uint64   // frames done by the pool
	hwLog   io.Writer
	swLog   io.Writer
	logBuf  [][2]*bytes.Buffer // per bench: HW and SW log of its last part

	// SimElapsed is, with one simulator, the time inside sim.Run (as
	// Bench.SimElapsed); with several, the wall time of the parallel
	// sections, models and checks included (they run beside the
	// simulators): what frames/s of the pool means. ModelElapsed is the
	// slowest shard's model time per Run, summed; Cycles is summed over
	// the simulators.
	SimElapsed   time.Duration
	ModelElapsed time.Duration
	Cycles       uint64
	Commits      int
}

// NewPool builds n benches with the same configuration and options. n > 1
// needs flow state off, drained commits and no whole-run FST; each bench
// then writes a mismatch report under ReportDir/shard-K.
func NewPool(cfg *host.Config, opts Options, n int) (*Pool, error) {
	if n < 1 {
		return nil, fmt.Errorf("testbench: a pool needs at least one simulator (got %d)", n)
	}
	if n > 1 {
		if why := Unsplittable(cfg, opts); why != "" {
			return nil, errors.New("testbench: more than one simulator: " + why)
		}
	}
	p := &Pool{hwLog: opts.HWLog, swLog: opts.SWLog, applied: make([]int, n), logBuf: make([][2]*bytes.Buffer, n)}
	for k := 0; k < n; k++ {
		o := opts
		if n > 1 {
			if o.ReportDir == "" {
				o.ReportDir = "tb-report"
			}
			o.ReportDir = filepath.Join(o.ReportDir, fmt.Sprintf("shard-%d", k))
			// Each bench logs into its own buffer; Run copies them out in
			// frame order. Only the first writes the log header.
			o.noLogHeader = k > 0
			p.logBuf[k] = [2]*bytes.Buffer{new(bytes.Buffer), new(bytes.Buffer)}
			if o.HWLog != nil {
				o.HWLog = p.logBuf[k][0]
			}
			if o.SWLog != nil {
				o.SWLog = p.logBuf[k][1]
			}
		}
		b, err := New(cfg, o)
		if err != nil {
			p.Close()
			return nil, err
		}
		p.benches = append(p.benches, b)
	}
	return p, nil
}

// Unsplittable says why a run with this configuration and these options
// needs one simulator, or "" when a Pool may split its frames: with flow
// state on a frame's decision depends on every earlier frame, an in-flight
// commit's switch frame on the pipeline's timing, and a whole-run FST
// records one simulator.
func Unsplittable(cfg *host.Config, opts Options) string {
	switch {
	case cfg.FlowState.Enabled:
		return "flow state is on (a frame's decision then depends on every earlier frame)"
	case opts.InFlightCommits:
		return "in-flight commits (the pipeline's timing picks the switch frame)"
	case opts.FST != "":
		return "a whole-run FST records one simulator"
	}
	return ""
}

// Benches are the pool's benches (one per simulator).
func (p *Pool) Benches() []*Bench { return p.benches }

// Frames is the number of frames done.
func (p *Pool) Frames() uint64 { return p.done }

// Close frees every simulator.
func (p *Pool) Close() error {
	var first error
	for _, b := range p.benches {
		if err := b.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Run sends frames (numbered on from the frames already done) through the
// pool, applying each change before its frame, as Bench.Run does. The
// frames are split into one contiguous part per bench (splitByCycles).
func (p *Pool) Run(frames [][]byte, changes []Change) error {
	if len(p.benches) == 1 {
		b := p.benches[0]
		t0, m0, c0, k0 := b.SimElapsed, b.ModelElapsed, b.Cycles, b.Commits
		err := b.Run(frames, changes)
		p.SimElapsed += b.SimElapsed - t0
		p.ModelElapsed += b.ModelElapsed - m0
		p.Cycles += b.Cycles - c0
		p.Commits += b.Commits - k0
		p.done = b.Frames()
		return err
	}
	if err := checkChanges(p.done, len(frames), changes); err != nil {
		return err
	}
	end := p.done + uint64(len(frames))
	for _, c := range changes {
		if c.Table != nil {
			p.Commits++
		}
	}
	p.changes = append(p.changes, changes...)

	n := len(p.benches)
	errs := make([]error, n)
	models := make([]time.Duration, n)
	bounds := splitByCycles(frames, n)
	var wg sync.WaitGroup
	t0 := time.Now()
	for k, b := range p.benches {
		lo, hi := bounds[k], bounds[k+1]
		if lo == hi {
			continue
		}
		wg.Add(1)
		go func(k int, b *Bench, part [][]byte, start uint64) {
			defer wg.Done()
			m0 := b.ModelElapsed
			errs[k] = p.runPart(k, b, part, start)
			models[k] = b.ModelElapsed - m0
		}(k, b, frames[lo:hi], p.done+uint64(lo))
	}
	wg.Wait()
	p.SimElapsed += time.Since(t0)
	p.Cycles = 0
	var slowestModel time.Duration
	for k, b := range p.benches {
		p.Cycles += b.Cycles
		slowestModel = max(slowestModel, models[k])
	}
	p.ModelElapsed += slowestModel
	// Logs in frame order, up to the first part that failed.
	for k := range p.benches {
		if err := p.copyLogs(k); err != nil {
			return err
		}
		if errs[k] != nil {
			return errs[k]
		}
	}
	p.done = end
	return nil
}

// splitByCycles cuts frames into n contiguous parts of about equal
// simulation time: bounds[k]..bounds[k+1] is part k. A simulator spends one
// cycle per 8-byte beat plus about one between frames, so parts are cut at
// equal shares of that cost; equal frame counts would leave the simulator
// with the longer frames running alone at the end of every chunk.
func splitByCycles(frames [][]byte, n int) []int {
	cost := func(f []byte) uint64 { return uint64(len(f)+7)/8 + 1 }
	var total uint64
	for _, f := range frames {
		total += cost(f)
	}
	bounds := make([]int, n+1)
	bounds[n] = len(frames)
	var acc uint64
	i := 0
	for k := 1; k < n; k++ {
		target := total * uint64(k) / uint64(n)
		for i < len(frames) && acc+cost(frames[i])/2 < target {
			acc += cost(frames[i])
			i++
		}
		bounds[k] = i
	}
	return bounds
}

// runPart brings bench k to frame start (every change before it applied),
// then runs its part with the changes that fall inside it.
func (p *Pool) runPart(k int, b *Bench, part [][]byte, start uint64) error {
	last := start + uint64(len(part))
	for p.applied[k] < len(p.changes) && p.changes[p.applied[k]].Frame <= start {
		c := p.changes[p.applied[k]]
		b.frames = c.Frame - 1
		if err := b.apply(c); err != nil {
			return err
		}
		p.applied[k]++
	}
	var inside []Change
	for j := p.applied[k]; j < len(p.changes) && p.changes[j].Frame <= last; j++ {
		inside = append(inside, p.changes[j])
	}
	b.frames = start
	if err := b.Run(part, inside); err != nil {
		return err
	}
	p.applied[k] += len(inside)
	return b.flushLogs()
}

// copyLogs appends bench k's buffered log lines to the pool's writers.
func (p *Pool) copyLogs(k int) error {
	for i, w := range []io.Writer{p.hwLog, p.swLog} {
		buf := p.logBuf[k][i]
		if w == nil || buf == nil {
			continue
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("writing log: %v", err)
		}
		buf.Reset()
	}
	return nil
}

// Finish checks every device's counters against its decisions and flushes
// the logs.
func (p *Pool) Finish() error {
	for k, b := range p.benches {
		if err := b.Finish(); err != nil {
			if len(p.benches) > 1 {
				return fmt.Errorf("simulator %d: %w", k, err)
			}
			return err
		}
		if err := p.copyLogs(k); err != nil {
			return err
		}
	}
	return nil
}

// Summaries are both sides' counts over the whole pool (SW is empty with
// NoModel), with the pool's wall times as Elapsed.
func (p *Pool) Summaries() (sw, hw replay.Summary) {
	for _, b := range p.benches {
		sw.Merge(&b.SW)
		hw.Merge(&b.HW)
	}
	sw.Elapsed, hw.Elapsed = p.ModelElapsed, p.SimElapsed
	return sw, hw
}

// Mismatches is the number of frames whose decisions differ; First is the
// error of the earliest of them.
func (p *Pool) Mismatches() (n int, first *MismatchError) {
	for _, b := range p.benches {
		n += b.Mismatches
		if b.First != nil && (first == nil || b.First.Frame < first.Frame) {
			first = b.First
		}
	}
	return n, first
}

// InFlight returns the in-flight commits (one bench only) and the frames at
// which they took effect.
func (p *Pool) InFlight() (n int, frames []uint64) {
	b := p.benches[0]
	return b.InFlight, b.CommitFrames
}
