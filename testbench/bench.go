package testbench

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/driver/link"
	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/replay"
	"github.com/flowsteer/flowsteer/sim"
)

// DefaultBatch is how many frames go into one sim.Run (one cgo crossing).
const DefaultBatch = 4096

// Options shape a co-simulation run.
type Options struct {
	Batch   int     // frames per sim.Run; 0 = DefaultBatch
	Pattern Pattern // backpressure
	Seed    uint64  // backpressure seeds derive from it, batch by batch
	// ViaLink programs the device through fs_link_bridge and the driver's
	// link protocol instead of the direct AXI-Lite port.
	ViaLink bool
	// NoModel checks only what needs no reference (one decision and one
	// unchanged egress frame per frame, in order, tdest agreeing with the
	// decision, a drained pipeline): flowsteer cosim.
	NoModel bool
	// ReportDir receives the mismatch report ("" = "tb-report").
	ReportDir string
	// FSTWindow is the number of cycles dumped before the failing frame's
	// decision (0 = 20000); a quarter of it is dumped after.
	FSTWindow uint64
	// HWLog and SWLog, when set, receive the SPEC 4 logs as frames go.
	HWLog, SWLog io.Writer
	// Coverage, when set, counts functional coverage bins.
	Coverage *Coverage
	// FST, when set, dumps the whole run's waveform there (large: for short
	// captures; a mismatch report dumps its own window anyway).
	FST string
	// KeepGoing counts decision differences instead of stopping at the
	// first (the report is still written for the first); stream faults
	// (lost, extra or changed frames, a hung pipeline) always stop.
	KeepGoing bool

	// InFlightCommits (ViaLink only) writes each table change's COMMIT
	// while the batch after it streams in, so the commit meets frames in
	// the pipeline (see inflight.go); changes fall back to drained commits
	// where that cannot work (flow state on, no model, key changes).
	InFlightCommits bool

	// modelCfg, set by tests only, gives the model another configuration
	// than the device: the injected fault that proves the bench can fail.
	modelCfg *host.Config
	// noLogHeader leaves the log header out (a Pool's later benches, whose
	// lines follow the first one's).
	noLogHeader bool
}

// Bench is one device (Verilated RTL behind a driver.Device) and, unless
// NoModel, the reference model of the same configuration, fed the same
// frames. Not safe for concurrent use.
type Bench struct {
	opts  Options
	pipe  *gatedPipe // ViaLink only
	sim   *sim.Sim
	dev   *driver.Device
	model *host.Model
	// cfg is the configuration in force now: the start configuration with
	// every change applied, so a failing batch can be set up again.
	cfg     *host.Config
	initCfg *host.Config
	batches int
	frames  uint64 // frames done
	// history keeps every step since the start when flow state is on: the
	// flow table depends on every earlier frame, so a reproduction replays
	// them all. Without flow state the current cfg is enough.
	history []step
	hwLog   *bufio.Writer
	swLog   *bufio.Writer
	line    []byte

	HW, SW       replay.Summary // counts per action, reason and TM
	SimElapsed   time.Duration  // wall time inside sim.Run
	ModelElapsed time.Duration  // wall time inside model.Decide
	Cycles       uint64         // cycles inside sim.Run
	Commits      int            // table changes applied
	KeyChanges   int
	// Mismatches counts frames whose decisions differ (KeepGoing); First
	// is the error for the first of them, with its report.
	Mismatches int
	First      *MismatchError
	// InFlight counts commits written during a batch; Boundaries holds,
	// for each, the first frame of its batch that saw the new table.
	InFlight   int
	Boundaries []int
	// CommitFrames are the frame numbers (from 1) at which in-flight
	// commits took effect.
	CommitFrames []uint64

	// flowBase holds the flow counters of models replaced by key changes
	// (the device's counters run on across them).
	flowBase host.FlowCounters
}

type step struct {
	frames [][]byte
	bp     sim.Backpressure
	change *Change
}

// MismatchError is returned on the first difference; Dir holds the report.
type MismatchError struct {
	Frame uint64 // frame number from 1, 0 when not one frame's fault
	What  string
	Dir   string
}

func (e *MismatchError) Error() string {
	where := "batch"
	if e.Frame > 0 {
		where = fmt.Sprintf("frame %d", e.Frame)
	}
	return fmt.Sprintf("%s: %s; report in %s", where, e.What, e.Dir)
}

// New builds a simulator, programs cfg through the driver (Configure) and
// clears the counters.
func New(cfg *host.Config, opts Options) (*Bench, error) {
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	if opts.ReportDir == "" {
		opts.ReportDir = "tb-report"
	}
	if opts.FSTWindow == 0 {
		opts.FSTWindow = 20000
	}
	if opts.Pattern != PatternMixed && (opts.Pattern < 0 || opts.Pattern >= numPatterns) {
		return nil, fmt.Errorf("testbench: unknown backpressure pattern %v", opts.Pattern)
	}
	c := cloneConfig(cfg)
	if opts.InFlightCommits && !opts.ViaLink {
		return nil, fmt.Errorf("testbench: in-flight commits go through the link bridge (set ViaLink)")
	}
	s, dev, pipe, err := openDevicePipe(c, sim.Options{ViaLink: opts.ViaLink, FST: opts.FST})
	if err != nil {
		return nil, err
	}
	b := &Bench{opts: opts, sim: s, dev: dev, pipe: pipe, cfg: c, initCfg: cloneConfig(c)}
	if !opts.NoModel {
		mc := c
		if opts.modelCfg != nil {
			mc = opts.modelCfg
		}
		if b.model, err = host.NewModel(mc); err != nil {
			b.Close()
			return nil, err
		}
	}
	if opts.HWLog != nil {
		b.hwLog = bufio.NewWriterSize(opts.HWLog, 1<<20)
		if !opts.noLogHeader {
			b.hwLog.WriteString(host.LogHeader)
		}
	}
	if opts.SWLog != nil {
		b.swLog = bufio.NewWriterSize(opts.SWLog, 1<<20)
		if !opts.noLogHeader {
			b.swLog.WriteString(host.LogHeader)
		}
	}
	return b, nil
}

// openDevice makes a simulator and a device over it, programmed with cfg.
func openDevice(cfg *host.Config, so sim.Options) (*sim.Sim, *driver.Device, error) {
	s, dev, _, err := openDevicePipe(cfg, so)
	return s, dev, err
}

// openDevicePipe is openDevice that also returns the link pipe (ViaLink).
func openDevicePipe(cfg *host.Config, so sim.Options) (*sim.Sim, *driver.Device, *gatedPipe, error) {
	s, err := sim.New(so)
	if err != nil {
		return nil, nil, nil, err
	}
	var t driver.Transport = s
	var pipe *gatedPipe
	name := "sim"
	if so.ViaLink {
		pipe = &gatedPipe{Link: s.LinkPipe()}
		c, err := link.NewConn(pipe)
		if err != nil {
			s.Close()
			return nil, nil, nil, fmt.Errorf("sim:link: %w", err)
		}
		t, name = &linkOverSim{Conn: c, s: s}, "sim:link"
	}
	dev := driver.New(t, name)
	if _, err := dev.Check(); err != nil {
		s.Close()
		return nil, nil, nil, err
	}
	if err := Configure(dev, cfg); err != nil {
		s.Close()
		return nil, nil, nil, err
	}
	if err := dev.ClearCounters(); err != nil {
		s.Close()
		return nil, nil, nil, err
	}
	return s, dev, pipe, nil
}

// linkOverSim closes the simulator with the link connection.
type linkOverSim struct {
	*link.Conn
	s *sim.Sim
}

func (l *linkOverSim) Close() error {
	err := l.Conn.Close()
	if cerr := l.s.Close(); err == nil {
		err = cerr
	}
	return err
}

// Device is the driver handle of the simulated board.
func (b *Bench) Device() *driver.Device { return b.dev }

// Sim is the simulator.
func (b *Bench) Sim() *sim.Sim { return b.sim }

// Frames is the number of frames done.
func (b *Bench) Frames() uint64 { return b.frames }

// Close frees the simulator.
func (b *Bench) Close() error {
	if b.dev == nil {
		return nil
	}
	err := b.dev.Transport().Close()
	b.sim.Close()
	b.dev = nil
	return err
}

// Run sends frames (numbered on from the frames already done) through both
// sides in batches, applying each change before its frame. Changes must be
// sorted by frame (SortChanges); those before frames already done, or past
// the end, are an error. It stops at the first difference with a
// *MismatchError.
func (b *Bench) Run(frames [][]byte, changes []Change) error {
	if err := checkChanges(b.frames, len(frames), changes); err != nil {
		return err
	}
	pos := 0
	for {
		var inflight *Change
		for len(changes) > 0 && changes[0].Frame == b.frames+1 {
			c := changes[0]
			changes = changes[1:]
			last := len(changes) == 0 || changes[0].Frame != c.Frame
			if last && pos < len(frames) && b.canCommitInFlight(c) {
				inflight = &c
				break
			}
			if err := b.apply(c); err != nil {
				return err
			}
		}
		if pos == len(frames) {
			break
		}
		n := min(b.opts.Batch, len(frames)-pos)
		if len(changes) > 0 {
			n = min(n, int(changes[0].Frame-b.frames-1))
		}
		if err := b.batch(frames[pos:pos+n], inflight); err != nil {
			return err
		}
		pos += n
	}
	return nil
}

// checkChanges: with done frames done and n more to run, every change must
// fall in done+1 .. done+n+1 (before one of the n frames, or after the
// last), in frame order.
func checkChanges(done uint64, n int, changes []Change) error {
	end := done + uint64(n)
	for i, c := range changes {
		if c.Frame <= done || c.Frame > end+1 {
			return fmt.Errorf("change %v: frame %d is not in %d..%d", c, c.Frame, done+1, end+1)
		}
		if i > 0 && c.Frame < changes[i-1].Frame {
			return fmt.Errorf("changes are not sorted by frame (%v after %v)", c, changes[i-1])
		}
	}
	return nil
}

// canCommitInFlight says whether c can be committed during the next batch.
func (b *Bench) canCommitInFlight(c Change) bool {
	return b.opts.InFlightCommits && b.pipe != nil && b.model != nil && !b.cfg.FlowState.Enabled &&
		c.Table != nil && c.Key == nil && c.Partition >= 0 && c.Partition < host.MaxPartitions
}

// apply performs one change on both sides. With sim.Run synchronous the
// pipeline is drained here, which keys need anyway; a table goes through
// the hitless path (ProgramTable) exactly as during traffic.
func (b *Bench) apply(c Change) error {
	if c.Partition < 0 || c.Partition >= host.MaxPartitions {
		return fmt.Errorf("change %v: partition %d out of range", c, c.Partition)
	}
	for len(b.cfg.Partitions) <= c.Partition {
		b.cfg.Partitions = append(b.cfg.Partitions, host.DefaultPartition())
	}
	if c.Key != nil {
		st, err := b.dev.Status()
		if err != nil {
			return err
		}
		if st.Busy {
			return fmt.Errorf("change %v: pipeline busy; keys change only when drained", c)
		}
	}
	if err := applyToDevice(b.dev, b.cfg.FlowState.Enabled, c); err != nil {
		return err
	}
	pc := &b.cfg.Partitions[c.Partition]
	if c.Table != nil {
		b.noteTable(c)
		if b.model != nil {
			if err := b.model.SetTable(c.Partition, c.Table); err != nil {
				return err
			}
		}
		b.Commits++
		b.opts.Coverage.hit(binCommit)
	}
	if c.Key != nil {
		pc.Key = *c.Key
		// The model has no key setter: a new one, whose flow table starts
		// empty (applyToDevice flushed the device's to match).
		if b.model != nil {
			if ft := b.model.Flows(); ft != nil {
				c := ft.Counters
				b.flowBase.Hits += c.Hits
				b.flowBase.Misses += c.Misses
				b.flowBase.Inserts += c.Inserts
				b.flowBase.Evictions += c.Evictions
				b.flowBase.Flushed += c.Flushed + uint64(ft.Occupancy())
			}
			var err error
			if b.model, err = host.NewModel(b.cfg); err != nil {
				return err
			}
		}
		b.KeyChanges++
		b.opts.Coverage.hit(binKeyChange)
	}
	if b.cfg.FlowState.Enabled {
		cc := c
		b.history = append(b.history, step{change: &cc})
	}
	return nil
}

// noteTable records a table change in the configuration in force.
func (b *Bench) noteTable(c Change) {
	for len(b.cfg.Partitions) <= c.Partition {
		b.cfg.Partitions = append(b.cfg.Partitions, host.DefaultPartition())
	}
	t := *c.Table
	b.cfg.Partitions[c.Partition].Table = &t
	b.cfg.Partitions[c.Partition].TablePath = c.Source
}

// applyToDevice writes a change to a device: a table through ProgramTable,
// a key directly (and, with flow state, a flush, as the model restarts).
func applyToDevice(dev *driver.Device, flowState bool, c Change) error {
	if c.Table != nil {
		if err := dev.ProgramTable(c.Partition, c.Table, nil); err != nil {
			return fmt.Errorf("change %v: %w", c, err)
		}
	}
	if c.Key != nil {
		if err := dev.WriteKey(c.Partition, *c.Key); err != nil {
			return fmt.Errorf("change %v: %w", c, err)
		}
		if flowState {
			if err := dev.FlushFlows(); err != nil {
				return err
			}
		}
	}
	return nil
}

// initialConfig is the configuration the bench started with.
func (b *Bench) initialConfig() *host.Config { return cloneConfig(b.initCfg) }

// batch runs one sim.Run and checks it record by record.
func (b *Bench) batch(frames [][]byte, commit *Change) error {
	pat := b.opts.Pattern.forBatch(b.batches + int(b.opts.Seed%uint64(numPatterns)))
	bp := pat.Backpressure(b.opts.Seed<<20 ^ uint64(b.batches)*0x9e3779b97f4a7c15)
	startCfg := cloneConfig(b.cfg)
	startHistory := b.history
	b.batches++
	b.opts.Coverage.hitPattern(pat)

	var res sim.Result
	var runErr error
	var sw []host.Decision
	boundary := -1
	if commit != nil {
		var old, new []host.Decision
		var err error
		res, runErr, old, new, err = b.runWithCommit(frames, bp, *commit)
		if err != nil {
			return err
		}
		boundary = commitBoundary(res.Decisions, old, new)
		sw = append(old[:boundary:boundary], new[boundary:]...)
		b.noteTable(*commit)
		b.Commits++
		b.InFlight++
		b.opts.Coverage.hit(binCommit)
		if boundary > 0 {
			b.opts.Coverage.hit(binCommitInFlight)
		}
		b.Boundaries = append(b.Boundaries, boundary)
		b.CommitFrames = append(b.CommitFrames, b.frames+uint64(boundary)+1)
	} else {
		t0 := time.Now()
		res, runErr = b.sim.Run(frames, bp)
		b.SimElapsed += time.Since(t0)
		b.Cycles += res.Cycles
		if b.model != nil {
			t1 := time.Now()
			sw = make([]host.Decision, len(frames))
			for i, f := range frames {
				sw[i] = b.model.Decide(f)
			}
			b.ModelElapsed += time.Since(t1)
		}
	}
	fail := func(i int, what string) error {
		return b.report(failure{
			frames: frames, index: i, what: what, bp: bp, pattern: pat, res: res, sw: sw,
			cfg: startCfg, history: startHistory, runErr: runErr, commit: commit, boundary: boundary,
		})
	}
	if boundary > maxCommitFrame {
		return fail(boundary, fmt.Sprintf("a COMMIT written as the batch began took effect only at its frame %d (frames before it decided with the old table)", boundary))
	}
	// Record by record first: the earliest difference is the most telling,
	// even when the run also ended in an error.
	n := min(len(frames), len(res.Decisions))
	for i := 0; i < n; i++ {
		dec, stream := checkRecord(i, frames, &res, sw)
		if dec != "" {
			b.Mismatches++
			if !b.opts.KeepGoing || sw == nil {
				return fail(i, dec)
			}
			if b.First == nil {
				err := fail(i, dec)
				me, ok := err.(*MismatchError)
				if !ok {
					return err
				}
				b.First = me
			}
		}
		if stream != "" {
			return fail(i, stream)
		}
	}
	if runErr != nil {
		b.sim.Reset()
		return fail(n, fmt.Sprintf("sim.Run: %v (%d of %d decisions, %d egress frames)", runErr, len(res.Decisions), len(frames), len(res.Egress)))
	}
	if len(res.Decisions) != len(frames) || len(res.Egress) != len(frames) {
		return fail(n, fmt.Sprintf("%d frames in, %d decisions and %d egress frames out", len(frames), len(res.Decisions), len(res.Egress)))
	}
	st, err := b.dev.Status()
	if err != nil {
		return err
	}
	if st.Busy || st.CommitPending {
		return fail(-1, fmt.Sprintf("pipeline did not drain: STATUS busy=%v commit-pending=%v after the batch", st.Busy, st.CommitPending))
	}
	// All good: count, log, cover.
	for i, w := range res.Decisions {
		hw := host.DecisionFromWord(w)
		num := b.frames + uint64(i) + 1
		b.HW.Add(hw)
		if b.hwLog != nil {
			b.line = hw.AppendLog(b.line[:0], num)
			b.hwLog.Write(b.line)
		}
		if sw != nil {
			b.SW.Add(sw[i])
			if b.swLog != nil {
				b.line = sw[i].AppendLog(b.line[:0], num)
				b.swLog.Write(b.line)
			}
		}
		b.opts.Coverage.addFrame(frames[i], hw)
	}
	b.frames += uint64(len(frames))
	if b.cfg.FlowState.Enabled {
		b.history = append(b.history, step{frames: frames, bp: bp})
	}
	return nil
}

// Finish flushes the logs and checks the device's counters against the
// decisions seen (the counters are 32 bits, compared modulo 2^32).
func (b *Bench) Finish() error {
	if err := b.flushLogs(); err != nil {
		return err
	}
	c, err := b.dev.Counters()
	if err != nil {
		return err
	}
	var diffs []string
	chk := func(name string, got uint32, want uint64) {
		if got != uint32(want) {
			diffs = append(diffs, fmt.Sprintf("%s %d, want %d", name, got, uint32(want)))
		}
	}
	chk("CNT_FRAMES", c.Frames, b.HW.Frames)
	for a := range c.Action {
		chk(fmt.Sprintf("CNT_ACTION(%v)", host.Action(a)), c.Action[a], b.HW.Actions[a])
	}
	for r := range c.Reason {
		chk(fmt.Sprintf("CNT_REASON(%v)", host.Reason(r)), c.Reason[r], b.HW.Reasons[r])
	}
	if b.cfg.FlowState.Enabled {
		chk("CNT_FLOW_HITS", c.FlowHits, b.HW.Reasons[host.ReasonFlowState])
		if b.model != nil && b.model.Flows() != nil {
			m := b.model.Flows().Counters
			chk("CNT_FLOW_MISSES", c.FlowMisses, b.flowBase.Misses+m.Misses)
			chk("CNT_FLOW_INSERTS", c.FlowInserts, b.flowBase.Inserts+m.Inserts)
			chk("CNT_FLOW_EVICTIONS", c.FlowEvictions, b.flowBase.Evictions+m.Evictions)
			chk("CNT_FLOW_FLUSHES", c.FlowFlushes, b.flowBase.Flushed+m.Flushed)
		}
		if c.FlowEvictions > 0 {
			b.opts.Coverage.hit(binFlowEviction)
		}
		if c.FlowFlushes > 0 {
			b.opts.Coverage.hit(binFlowFlush)
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("device counters disagree with the decisions: %v", diffs)
	}
	return nil
}

// flushLogs writes out the buffered log lines.
func (b *Bench) flushLogs() error {
	for _, w := range []*bufio.Writer{b.hwLog, b.swLog} {
		if w != nil {
			if err := w.Flush(); err != nil {
				return fmt.Errorf("writing log: %v", err)
			}
		}
	}
	return nil
}

// checkRecord checks record i of a batch: the decision (against the
// model's when sw is set, else for well-formedness), then the egress frame
// and its tdest. dec says what is wrong with the decision, stream what is
// wrong with the egress ("" when nothing).
func checkRecord(i int, frames [][]byte, res *sim.Result, sw []host.Decision) (dec, stream string) {
	w := res.Decisions[i]
	hw := host.DecisionFromWord(w)
	if sw != nil {
		if sw[i].Word() != w {
			dec = "decision differs from the model"
		}
	} else if hw.Word() != w || !wellFormed(hw) {
		dec = "decision word malformed (reserved bits or '-' fields not zero, or codes out of range)"
	}
	if i < len(res.Egress) {
		if !bytes.Equal(res.Egress[i], frames[i]) {
			stream = "egress frame differs from the input frame (lost, duplicated, reordered or corrupted)"
		} else if want := TDest(hw); res.TDest[i] != want {
			stream = fmt.Sprintf("egress tdest 0x%03x, want 0x%03x ({action, tm} of the decision)", res.TDest[i], want)
		}
	}
	return dec, stream
}

// TDest is the egress tdest a decision implies: {action[1:0], tm[7:0]},
// tm zero unless FORWARD (docs/interfaces.md).
func TDest(d host.Decision) uint16 {
	tm := uint16(0)
	if d.Action == host.ActionForward {
		tm = uint16(d.TM)
	}
	return uint16(d.Action)<<8 | tm
}

// wellFormed checks a hardware decision without a model: codes in range,
// the action the reason implies, and zeros where SPEC 4 prints '-'.
func wellFormed(d host.Decision) bool {
	if int(d.Reason) >= host.NumReasons || d.Reason.Action() != d.Action {
		return false
	}
	if d.Action != host.ActionForward && (d.Partition != 0 || d.TM != 0) {
		return false
	}
	if !d.Reason.Hashed() && (d.Hash != 0 || d.Index != 0) {
		return false
	}
	return !d.Reason.Hashed() || d.Index == uint16(d.Hash&0xfff)
}

// cloneConfig copies cfg deeply enough that changes to the copy's
// partitions and tables leave the original alone.
func cloneConfig(cfg *host.Config) *host.Config {
	c := *cfg
	c.GroupMACs = append([][6]byte(nil), cfg.GroupMACs...)
	c.Rules = append([]host.Rule(nil), cfg.Rules...)
	c.Partitions = append([]host.PartitionConfig(nil), cfg.Partitions...)
	for i := range c.Partitions {
		if t := c.Partitions[i].Table; t != nil {
			tt := *t
			c.Partitions[i].Table = &tt
		}
	}
	return &c
}
