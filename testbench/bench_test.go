package testbench

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
	"github.com/flowsteer/flowsteer/host/natport"
	"github.com/flowsteer/flowsteer/sim"
)

// traceConfig is a configuration with rules into every partition and
// random tables, so real traffic spreads over partitions and TMs.
func traceConfig() *host.Config {
	cfg := RandomConfig(7, false)
	cfg.Promiscuous = true
	cfg.Rules = []host.Rule{
		{Proto: host.RuleProtoTCP, Port: 443, Partition: 1},
		{Proto: host.RuleProtoUDP, Port: 53, Partition: 2},
		{Proto: host.RuleProtoAny, Port: 80, Partition: 3},
	}
	return cfg
}

// TestCompareTraces: model and RTL agree on every frame of every shared
// capture under rotating backpressure (none, random, bursty, decision
// stalls), with egress bytes, tdest, order and counters checked.
func TestCompareTraces(t *testing.T) {
	files := traceFiles(t)
	cfg := traceConfig()
	cov := NewCoverage(false)
	// One device for all captures (setting one up costs more than most
	// captures); frames number on, backpressure patterns rotate by batch.
	b := newBench(t, cfg, Options{Pattern: PatternMixed, Seed: 1, Batch: 1024, Coverage: cov})
	total := uint64(0)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			frames := loadFrames(t, path, cfg)
			before := b.HW.Frames
			err := b.Run(frames, nil)
			if me, ok := err.(*MismatchError); ok {
				rep, _ := os.ReadFile(filepath.Join(me.Dir, "report.txt"))
				t.Fatalf("%v\n%s", err, rep)
			}
			require.NoError(t, err)
			require.Equal(t, uint64(len(frames)), b.HW.Frames-before)
			total += uint64(len(frames))
		})
	}
	require.NoError(t, b.Finish(), "device counters over all captures")
	var s strings.Builder
	cov.Write(&s)
	t.Logf("%d frames from %d captures\n%s", total, len(files), s.String())
}

// TestCompareTracesFlowState: every capture again with flow state on (SPEC
// 5; one device, so flows of one capture may meet entries of earlier ones),
// a table commit in the middle of each capture moving every bucket: the
// established flows keep their TM on both sides. The first 1000 frames of
// each capture keep the test inside its time budget (TestCompareTraces
// runs every frame).
func TestCompareTracesFlowState(t *testing.T) {
	files := traceFiles(t)
	if !flowStateAvailable(t) {
		t.Skip("the RTL has no flow table (CAPS FLOW_ENABLE=0)")
	}
	cfg := traceConfig()
	cfg.FlowState.Enabled = true
	b := newBench(t, cfg, Options{Pattern: PatternMixed, Seed: 2, Batch: 2048})
	for i, path := range files {
		frames := loadFrames(t, path, cfg)
		frames = frames[:min(len(frames), 1000)]
		var changes []Change
		if len(frames) > 1 {
			changes = []Change{{Frame: b.Frames() + uint64(len(frames)/2) + 1, Partition: i % 2, Table: tableOf(uint8(i))}}
		}
		err := b.Run(frames, changes)
		if me, ok := err.(*MismatchError); ok {
			rep, _ := os.ReadFile(filepath.Join(me.Dir, "report.txt"))
			t.Fatalf("%s: %v\n%s", filepath.Base(path), err, rep)
		}
		require.NoError(t, err, filepath.Base(path))
	}
	require.NoError(t, b.Finish(), "device counters (flow hits, misses, inserts, evictions, flushes) against the model")
	t.Logf("%d frames, %d FLOW_STATE hits, %d commits", b.Frames(), b.HW.Reasons[host.ReasonFlowState], b.Commits)
	require.NotZero(t, b.HW.Reasons[host.ReasonFlowState])
}

// TestRandomAdversarialMutated: adversarial, random and mutated-real frames
// under a random configuration with rotating backpressure, table commits
// between batches and a key change; every coverage bin must be hit.
func TestRandomAdversarialMutated(t *testing.T) {
	n := randomFrames(t)
	flow := flowStateAvailable(t)
	if !flow {
		t.Log("the RTL has no flow table yet (CAPS FLOW_ENABLE=0): flow state is not exercised")
	}
	cov := NewCoverage(flow)
	// Rounds: 0 direct register port; 1 flow state on (an eighth of the
	// frames); 2 through the link bridge with COMMITs written while the
	// batches stream in (a twentieth, at most 5000: the link is slow to
	// stage tables).
	for round := 0; round < 3; round++ {
		fs := round == 1
		if fs && !flow {
			continue
		}
		size := n
		switch round {
		case 1:
			size = n / 8
		case 2:
			size = min(n/20, 5000)
		}
		cfg := RandomConfig(uint64(100+round), fs)
		g := NewGen(uint64(200+round), cfg)
		frames := Adversarial(cfg)
		real := sampleRealFrames(t, cfg, 2000)
		for len(frames) < size {
			switch {
			case len(real) > 0 && g.chance(20):
				frames = append(frames, g.Mutate(real[g.r.IntN(len(real))]))
			default:
				frames = append(frames, g.Random())
			}
		}
		// Table changes every ~n/8 frames, and one key change.
		var changes []Change
		r := rand.New(rand.NewPCG(uint64(round), 9))
		for f := 1 + r.IntN(1000); f < len(frames); f += 1 + r.IntN(len(frames)/8+1) {
			tm := uint8(r.IntN(256))
			tbl := tableOf(tm)
			if r.IntN(2) == 0 {
				tbl = RandomConfig(uint64(f), false).Partitions[0].Table
			}
			c := Change{Frame: uint64(f), Partition: r.IntN(4), Table: tbl}
			if round == 2 && len(changes)%2 == 0 {
				// In-flight commits: short TCP frames of partition 0 right
				// at the change, so the switch can fall between frames the
				// pipeline has already accepted.
				c.Partition = 0
				fb := &frameBuilder{dst: cfg.SynthDstMAC()}
				for j := f - 1; j < min(f+3, len(frames)); j++ {
					frames[j] = natFrame(fb, false, host.ProtoTCP, g.addr6[0], g.addr6[1], 40000+uint16(j%1000), 1000+uint16(j%997))
				}
			}
			changes = append(changes, c)
		}
		key := host.Key{}
		for i := range key {
			key[i] = byte(r.Uint32())
		}
		changes = append(changes, Change{Frame: uint64(len(frames) / 2), Partition: 0, Key: &key})
		SortChanges(changes)
		b := newBench(t, cfg, Options{Pattern: PatternMixed, Seed: uint64(round), Coverage: cov,
			ViaLink: round == 2, InFlightCommits: round == 2})
		runClean(t, b, frames, changes)
		t.Logf("round %d (flow state %v, link %v): %d frames, %d cycles, %d commits (%d in flight, switched at batch frame %v), %d key changes; co-sim %.0f frames/s, model %.0f frames/s",
			round, fs, round == 2, b.Frames(), b.Cycles, b.Commits, b.InFlight, b.Boundaries, b.KeyChanges,
			float64(b.Frames())/b.SimElapsed.Seconds(), float64(b.Frames())/b.ModelElapsed.Seconds())
	}
	var s strings.Builder
	require.NoError(t, cov.Write(&s))
	t.Log("\n" + s.String())
	require.Empty(t, cov.Missing(), "coverage bins never hit")
}

// sampleRealFrames takes up to n frames spread over the shared captures
// (none when they are absent).
func sampleRealFrames(t *testing.T, cfg *host.Config, n int) [][]byte {
	d := os.Getenv("FLOWSTEER_SHARED")
	if d == "" {
		d = filepath.Join("..", "..", "shared")
	}
	ents, err := os.ReadDir(filepath.Join(d, "traces"))
	if err != nil {
		t.Log("shared traces absent: no mutated real frames")
		return nil
	}
	var out [][]byte
	for _, e := range ents {
		p := filepath.Join(d, "traces", e.Name())
		fr, err := capture.ReadAll(p, capture.Options{SynthDst: cfg.SynthDstMAC()})
		if err != nil {
			continue
		}
		for i := 0; i < len(fr) && i < n/20; i++ {
			out = append(out, fr[i*len(fr)/(n/20)%len(fr)].Data)
		}
	}
	return out
}

// TestCommitsBetweenFrames: a table commit applies exactly before its frame
// on the device as in the model. Every table is one TM, so each decision
// names the table it saw; changes land on the first frame, inside batches,
// on consecutive frames, twice before one frame and after the last.
func TestCommitsBetweenFrames(t *testing.T) {
	cfg := host.DefaultConfig()
	g := NewGen(5, cfg)
	var frames [][]byte
	for len(frames) < 3000 {
		frames = append(frames, g.Random())
	}
	var changes []Change
	for i, f := range []uint64{1, 2, 3, 100, 101, 101, 700, 1024, 1025, 2047, 2999, 3000, 3001} {
		changes = append(changes, Change{Frame: f, Partition: i % 2, Table: tableOf(uint8(10 + i))})
	}
	cfg.Rules = []host.Rule{{Proto: host.RuleProtoAny, Port: 443, Partition: 1}}
	for _, p := range []Pattern{PatternBursty} {
		b := newBench(t, cfg, Options{Pattern: p, Batch: 512})
		runClean(t, b, frames, changes)
		assert.Equal(t, len(changes), b.Commits)
		// The decisions really moved: the last table's TM took the
		// FORWARD frames after frame 3000's change... and the earlier ones.
		assert.NotZero(t, b.HW.TMLoad[0][10+10], "frames after the change at 2047 saw TM 20")
	}
}

// TestBatchSizes: one frame per sim.Run (every frame meets an empty
// pipeline), and odd batch sizes, give the same decisions.
func TestBatchSizes(t *testing.T) {
	cfg := RandomConfig(21, false)
	frames := Adversarial(cfg)
	g := NewGen(21, cfg)
	for i := 0; i < 300; i++ {
		frames = append(frames, g.Random())
	}
	for _, batch := range []int{1, 7, 333} {
		b := newBench(t, cfg, Options{Batch: batch, Pattern: PatternMixed, Seed: uint64(batch)})
		runClean(t, b, frames[:min(len(frames), 600*batch)], nil)
	}
}

// TestCommitsInFlight: table COMMITs written through the link bridge while
// the next batch streams in (inflight.go). The frames before the switch
// must all have seen the old table and every frame from it the new one,
// whole; the switch must come within the batch's first frames, and some
// commits must meet frames already accepted.
func TestCommitsInFlight(t *testing.T) {
	cfg := host.DefaultConfig()
	cfg.Rules = []host.Rule{{Proto: host.RuleProtoAny, Port: 443, Partition: 1}}
	g := NewGen(8, cfg)
	fb := &frameBuilder{dst: cfg.SynthDstMAC()}
	var frames [][]byte
	for len(frames) < 2000 {
		if g.chance(70) { // short TCP frames: many of them in flight at once
			frames = append(frames, natFrame(fb, false, host.ProtoTCP, g.addr6[0], g.addr6[1], uint16(g.r.Uint32()), uint16(g.r.Uint32())))
			continue
		}
		frames = append(frames, g.Random())
	}
	var changes []Change
	for i := 0; i < 16; i++ {
		changes = append(changes, Change{Frame: uint64(1 + i*113), Partition: i % 2, Table: tableOf(uint8(30 + i))})
	}
	// The last batch is the last frame alone: accepted before the COMMIT
	// lands and decided after it (its ports are behind a 168-byte IPv6
	// option header), it is the only frame the commit waits for, and no
	// lookup follows it; STATUS must still show the commit done at the
	// drain.
	frames[len(frames)-1] = fb.ipv6(fb.eth(nil, 0x86dd), []ext6{{kind: 60, len: 20}}, host.ProtoTCP, 40000, 80, 4)
	changes = append(changes, Change{Frame: uint64(len(frames)), Partition: 0, Table: tableOf(50)}) // Frame counts from 1
	cov := NewCoverage(false)
	total := 0
	for _, p := range []Pattern{PatternNone, PatternBursty} {
		b := newBench(t, cfg, Options{ViaLink: true, InFlightCommits: true, Pattern: p, Coverage: cov, Batch: 1000})
		runClean(t, b, frames, changes)
		assert.Equal(t, len(changes), b.InFlight, "every change committed in flight")
		t.Logf("%v: first frame seeing the new table, per commit: %v", p, b.Boundaries)
		for _, k := range b.Boundaries {
			if k > 0 {
				total++
			}
		}
		assert.Equal(t, 1, b.Boundaries[len(b.Boundaries)-1], "the lone last frame was accepted before its batch's COMMIT")
	}
	assert.NotZero(t, cov.Count(binCommitInFlight))
	assert.Greater(t, total, 6, "commits that met accepted frames")
}

// TestChangeValidation: out-of-range and unsorted changes are refused.
func TestChangeValidation(t *testing.T) {
	b := newBench(t, host.DefaultConfig(), Options{})
	frames := [][]byte{make([]byte, 60), make([]byte, 60)}
	require.Error(t, b.Run(frames, []Change{{Frame: 0, Table: tableOf(1)}}))
	require.Error(t, b.Run(frames, []Change{{Frame: 4, Table: tableOf(1)}}))
	require.Error(t, b.Run(frames, []Change{{Frame: 2, Table: tableOf(1)}, {Frame: 1, Table: tableOf(1)}}))
	require.Error(t, b.Run(frames, []Change{{Frame: 1, Partition: 7, Table: tableOf(1)}}))
	_, err := ParseChanges([]string{"x:y"})
	require.Error(t, err)
	_, err = ParseChanges([]string{"5:/nonexistent.img"})
	require.ErrorContains(t, err, "nonexistent")
	_, err = ParsePattern("sometimes")
	require.Error(t, err)
}

// TestScoreboardCatchesMismatch: a model whose partition 0 table differs
// from the device's must fail at the first frame that reads partition 0's
// table, and leave a full report whose waveform run reproduces it.
func TestScoreboardCatchesMismatch(t *testing.T) {
	cfg := host.DefaultConfig()
	modelCfg := host.DefaultConfig()
	modelCfg.Partitions[0].Table = tableOf(200)
	dir := filepath.Join(t.TempDir(), "rep")
	b := newBench(t, cfg, Options{Pattern: PatternRandom, ReportDir: dir, FSTWindow: 3000, modelCfg: modelCfg})
	frames, first := framesUntilHashed(t, cfg, 500)
	err := b.Run(frames, nil)
	var me *MismatchError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, uint64(first+1), me.Frame, "first frame that hashes into partition 0")
	assert.Contains(t, err.Error(), dir)
	rep, err := os.ReadFile(filepath.Join(dir, "report.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(rep), "decision differs from the model")
	assert.Contains(t, string(rep), "the difference reproduced")
	sw, err := os.ReadFile(filepath.Join(dir, "sw.tsv"))
	require.NoError(t, err)
	hw, err := os.ReadFile(filepath.Join(dir, "hw.tsv"))
	require.NoError(t, err)
	assert.Contains(t, string(sw), "\t200\t", "the model's TM")
	assert.NotContains(t, string(hw), "\t200\t", "the device's default table")
	// frame.pcap holds exactly the failing frame.
	fr, err := capture.ReadAll(filepath.Join(dir, "frame.pcap"), capture.Options{})
	require.NoError(t, err)
	require.Len(t, fr, 1)
	assert.Equal(t, frames[first], fr[0].Data)
	st, err := os.Stat(filepath.Join(dir, "wave.fst"))
	require.NoError(t, err)
	assert.Greater(t, st.Size(), int64(1000), "FST has content")

	// KeepGoing counts every differing frame and keeps the first report.
	b2 := newBench(t, cfg, Options{ReportDir: filepath.Join(t.TempDir(), "rep2"), KeepGoing: true, modelCfg: modelCfg})
	require.NoError(t, b2.Run(frames, nil))
	m, _ := host.NewModel(cfg)
	want := 0
	for _, f := range frames {
		if d := m.Decide(f); d.Action == host.ActionForward && d.Reason != host.ReasonEqualPorts && d.Partition == 0 && d.TM != 200 {
			want++
		}
	}
	assert.Equal(t, want, b2.Mismatches)
	require.NotNil(t, b2.First)
	assert.Equal(t, uint64(first+1), b2.First.Frame)
}

// TestScoreboardCatchesDeviceChangedBehindItsBack: a table written to the
// device outside the bench is caught too; the report says honestly that a
// fresh simulator (set up from the bench's configuration) does not show it.
func TestScoreboardCatchesDeviceChangedBehindItsBack(t *testing.T) {
	cfg := host.DefaultConfig()
	dir := filepath.Join(t.TempDir(), "rep")
	b := newBench(t, cfg, Options{Pattern: PatternBursty, ReportDir: dir, FSTWindow: 2000})
	require.NoError(t, b.Device().ProgramTable(0, tableOf(201), nil))
	frames, first := framesUntilHashed(t, cfg, 300)
	err := b.Run(frames, nil)
	var me *MismatchError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, uint64(first+1), me.Frame)
	rep, err := os.ReadFile(filepath.Join(dir, "report.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(rep), "did NOT reproduce")
	hw, err := os.ReadFile(filepath.Join(dir, "hw.tsv"))
	require.NoError(t, err)
	assert.Contains(t, string(hw), "\t201\t")
}

// framesUntilHashed makes n random frames and the index of the first one
// the model decides through partition 0's table.
func framesUntilHashed(t *testing.T, cfg *host.Config, n int) ([][]byte, int) {
	g := NewGen(3, cfg)
	m, err := host.NewModel(cfg)
	require.NoError(t, err)
	var frames [][]byte
	first := -1
	for len(frames) < n {
		f := g.Random()
		if d := m.Decide(f); first < 0 && d.Action == host.ActionForward && d.Reason != host.ReasonEqualPorts {
			first = len(frames)
		}
		frames = append(frames, f)
	}
	require.GreaterOrEqual(t, first, 0)
	return frames, first
}

// TestCosimOnlyChecksWithoutModel: NoModel still checks order and egress
// and writes the hardware log, which equals the model's log.
func TestCosimOnlyChecksWithoutModel(t *testing.T) {
	cfg := RandomConfig(11, false)
	frames := Adversarial(cfg)
	var hw, sw bytes.Buffer
	b := newBench(t, cfg, Options{NoModel: true, HWLog: &hw, Pattern: PatternBursty})
	runClean(t, b, frames, nil)
	m, err := host.NewModel(cfg)
	require.NoError(t, err)
	sw.WriteString(host.LogHeader)
	for i, f := range frames {
		sw.Write(m.Decide(f).AppendLog(nil, uint64(i+1)))
	}
	require.Equal(t, sw.String(), hw.String())
}

// TestViaLink: the whole configuration goes through fs_link_bridge and the
// link protocol, and decisions still match.
func TestViaLink(t *testing.T) {
	cfg := RandomConfig(12, false)
	b := newBench(t, cfg, Options{ViaLink: true, Pattern: PatternRandom})
	g := NewGen(12, cfg)
	frames := Adversarial(cfg)
	for i := 0; i < 2000; i++ {
		frames = append(frames, g.Random())
	}
	runClean(t, b, frames, []Change{{Frame: 1000, Partition: 2, Table: tableOf(77)}})
}

// TestConfigureRegisters reads back what Configure wrote and decodes the
// registers by hand from docs/interfaces.md, independently of the driver's
// encoders.
func TestConfigureRegisters(t *testing.T) {
	cfg := RandomConfig(13, false)
	s, err := sim.New(sim.Options{})
	require.NoError(t, err)
	defer s.Close()
	dev := driver.New(s, "sim")
	require.NoError(t, Configure(dev, cfg))
	rd := func(a uint32) uint32 {
		v, err := s.Read32(a)
		require.NoError(t, err)
		return v
	}
	ctrl := rd(0x10)
	assert.Equal(t, cfg.Promiscuous, ctrl&1 == 1, "CTRL.PROMISC")
	assert.Zero(t, ctrl&2, "CTRL.FLOW_EN")
	for i := 0; i < 4; i++ {
		lo, hi := rd(0x40+8*uint32(i)), rd(0x44+8*uint32(i))
		if i < len(cfg.GroupMACs) {
			m := cfg.GroupMACs[i]
			assert.Equal(t, binary.BigEndian.Uint32(m[2:6]), lo, "MAC_LO(%d)", i)
			assert.Equal(t, uint32(1)<<31|uint32(m[0])<<8|uint32(m[1]), hi, "MAC_HI(%d)", i)
		} else {
			assert.Zero(t, hi>>31, "MAC_HI(%d) valid", i)
		}
	}
	for i := 0; i < 8; i++ {
		v := rd(0x60 + 4*uint32(i))
		if i < len(cfg.Rules) {
			r := cfg.Rules[i]
			assert.Equal(t, uint32(r.Port)|uint32(r.Partition)<<16|uint32(r.Proto)<<20, v, "RULE(%d)", i)
		} else {
			assert.Zero(t, v>>20&3, "RULE(%d) off", i)
		}
	}
	for p := 0; p < 4; p++ {
		pc := cfg.Partitions[p]
		assert.Equal(t, uint32(pc.EqualPortsTM), rd(0x80+4*uint32(p))&0xff, "EQTM(%d)", p)
		for w := 0; w < 10; w++ {
			assert.Equal(t, binary.BigEndian.Uint32(pc.Key[4*w:]), rd(0x100+0x40*uint32(p)+4*uint32(w)), "KEY(%d,%d)", p, w)
		}
		require.NoError(t, s.Write32(0x200, uint32(p)))
		for _, i := range []int{0, 1, 2047, 4095} {
			assert.Equal(t, uint32(pc.Table[i]), rd(0x8000+4*uint32(i))&0xff, "TABLE_ACTIVE(%d) of partition %d", i, p)
		}
	}
	// A configuration the device cannot hold is refused, naming why.
	bad := RandomConfig(13, true)
	bad.FlowState.Sets = 64
	require.ErrorContains(t, Configure(dev, bad), "flow")
}

// TestNATProof (issue 7): for random translated addresses A, server ports
// D and target TMs T, the ports natport proposes steer both A:X -> S:D and
// the reply S:D -> A:X to T through the RTL.
func TestNATProof(t *testing.T) {
	cfg := traceConfig()
	r := rand.New(rand.NewPCG(77, 1))
	var hw bytes.Buffer
	b := newBench(t, cfg, Options{Pattern: PatternRandom, HWLog: &hw})
	type want struct {
		tm   uint8
		part uint8
	}
	var frames [][]byte
	var wants []want
	fb := &frameBuilder{dst: cfg.SynthDstMAC()}
	for trial := 0; trial < 200; trial++ {
		// D from the rule ports (partitions 1..3) or anything (partition 0).
		d := uint16(r.IntN(60000))
		for isRulePort(cfg, d) {
			d++
		}
		part := uint8(0)
		proto := uint8(host.ProtoTCP)
		if trial%2 == 0 {
			// a rule's port, with a protocol the rule matches
			rule := cfg.Rules[r.IntN(len(cfg.Rules))]
			d, part = rule.Port, rule.Partition
			if rule.Proto == host.RuleProtoUDP {
				proto = host.ProtoUDP
			}
		}
		pc := cfg.Partitions[part]
		solver := natport.NewSolver(pc.Key, pc.Table)
		tm := pc.Table[r.IntN(host.TableSize)] // a TM that owns buckets
		v6 := trial%3 == 0
		var a, srv [16]byte
		if v6 {
			for i := range a {
				a[i], srv[i] = byte(r.Uint32()), byte(r.Uint32())
			}
		} else {
			a = [16]byte{10: 0xff, 11: 0xff, 12: 100, 13: byte(r.Uint32()), 14: byte(r.Uint32()), 15: byte(r.Uint32())}
			srv = [16]byte{10: 0xff, 11: 0xff, 12: 203, 13: 0, 14: 113, 15: byte(r.Uint32())}
		}
		ports := solver.First(a, d, tm, 3)
		for _, x := range ports {
			// rules match on either port: keep X off the rule ports so the
			// partition is D's.
			if isRulePort(cfg, x) {
				continue
			}
			frames = append(frames, natFrame(fb, v6, proto, a, srv, x, d), natFrame(fb, v6, proto, srv, a, d, x))
			wants = append(wants, want{tm, part}, want{tm, part})
		}
	}
	require.Greater(t, len(frames), 300)
	runClean(t, b, frames, nil)
	lines := strings.Split(strings.TrimSpace(hw.String()), "\n")[1:]
	require.Len(t, lines, len(frames))
	for i, l := range lines {
		c := strings.Split(l, "\t")
		wantReason := "SRC_HASH"
		if i%2 == 1 {
			wantReason = "DST_HASH"
		}
		require.Equal(t, []string{"FORWARD", wantReason, itoa(int(wants[i].part)), itoa(int(wants[i].tm))}, c[1:5],
			"frame %d (%s)", i+1, map[bool]string{false: "A:X -> S:D", true: "reply"}[i%2 == 1])
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func isRulePort(cfg *host.Config, p uint16) bool {
	for _, r := range cfg.Rules {
		if r.Port == p {
			return true
		}
	}
	return false
}

// natFrame is a TCP/UDP frame src:sport -> dst:dport, IPv4 when the
// addresses are IPv4-mapped.
func natFrame(fb *frameBuilder, v6 bool, proto uint8, src, dst [16]byte, sport, dport uint16) []byte {
	if !v6 {
		f := fb.ipv4(fb.eth(nil, 0x0800), 5, -1, 0, proto, sport, dport, 20)
		copy(f[14+12:], src[12:])
		copy(f[14+16:], dst[12:])
		return f
	}
	f := fb.ipv6(fb.eth(nil, 0x86dd), nil, proto, sport, dport, 20)
	copy(f[14+8:], src[:])
	copy(f[14+24:], dst[:])
	return f
}
