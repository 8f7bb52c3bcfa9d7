package testbench

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/host"
)

// TestPoolEqualsOneBench: three simulators sharing a stream give, byte for
// byte, the logs one simulator gives, with table changes falling inside,
// at the edges of and between the parts and the chunks (the tables move
// the decisions, so a change applied at the wrong frame by any shard
// changes a log line). The logs are written by the code under test on both
// sides, but the single bench's log is itself checked against the model
// record by record, so equality carries that check over.
func TestPoolEqualsOneBench(t *testing.T) {
	cfg := host.DefaultConfig()
	cfg.Rules = []host.Rule{{Proto: host.RuleProtoAny, Port: 443, Partition: 1}}
	g := NewGen(9, cfg)
	var frames [][]byte
	for len(frames) < 2400 {
		frames = append(frames, g.Random())
	}
	// Chunks of 800 frames; with 3 simulators the parts start at frames
	// 1, 267, 534 of each chunk.
	var changes []Change
	for i, f := range []uint64{1, 2, 266, 267, 268, 533, 534, 800, 801, 1500, 1601, 2400} {
		changes = append(changes, Change{Frame: f, Partition: i % 2, Table: tableOf(uint8(30 + i))})
	}
	run := func(n int) (hw, sw string, p *Pool) {
		var hwLog, swLog bytes.Buffer
		p, err := NewPool(cfg, Options{Pattern: PatternRandom, Batch: 97, HWLog: &hwLog, SWLog: &swLog,
			ReportDir: filepath.Join(t.TempDir(), "rep")}, n)
		require.NoError(t, err)
		t.Cleanup(func() { p.Close() })
		for lo := 0; lo < len(frames); lo += 800 {
			var in []Change
			for _, c := range changes {
				if c.Frame > uint64(lo) && c.Frame <= uint64(lo+800) {
					in = append(in, c)
				}
			}
			require.NoError(t, p.Run(frames[lo:lo+800], in), "%d simulators, chunk at %d", n, lo)
		}
		require.NoError(t, p.Finish())
		return hwLog.String(), swLog.String(), p
	}
	hw1, sw1, p1 := run(1)
	hw3, sw3, p3 := run(3)
	require.Equal(t, hw1, sw1, "one bench: hardware log equals the model's")
	assert.Equal(t, hw1, hw3, "hardware log of 3 simulators")
	assert.Equal(t, sw1, sw3, "model log of 3 simulators")
	s1, h1 := p1.Summaries()
	s3, h3 := p3.Summaries()
	assert.Equal(t, h1.Reasons, h3.Reasons)
	assert.Equal(t, s1.TMLoad, s3.TMLoad)
	assert.Equal(t, uint64(len(frames)), p3.Frames())
	assert.Equal(t, len(changes), p3.Commits)
	assert.Equal(t, p1.Commits, p3.Commits)
	for k, b := range p3.Benches() {
		assert.NotZero(t, b.HW.Frames, "simulator %d got frames", k)
	}
	// The last table (TM 41, partition 1) was in force for the last frame
	// only; the one before it (TM 40, partition 0, from frame 1601) for
	// the frames after that.
	assert.NotZero(t, h3.TMLoad[0][40])
}

// TestPoolFindsEarliestMismatch: with the model on another table, every
// shard finds differences; the pool reports all of them and, as first,
// the earliest frame over all shards.
func TestPoolFindsEarliestMismatch(t *testing.T) {
	cfg := host.DefaultConfig()
	modelCfg := host.DefaultConfig()
	modelCfg.Partitions[0].Table = tableOf(200)
	frames, first := framesUntilHashed(t, cfg, 900)
	one := newBench(t, cfg, Options{ReportDir: filepath.Join(t.TempDir(), "one"), KeepGoing: true, modelCfg: modelCfg})
	require.NoError(t, one.Run(frames, nil))
	p, err := NewPool(cfg, Options{ReportDir: filepath.Join(t.TempDir(), "pool"), KeepGoing: true, modelCfg: modelCfg}, 2)
	require.NoError(t, err)
	defer p.Close()
	require.NoError(t, p.Run(frames, nil))
	n, firstErr := p.Mismatches()
	assert.Equal(t, one.Mismatches, n)
	require.NotNil(t, firstErr)
	assert.Equal(t, uint64(first+1), firstErr.Frame)
	for k, b := range p.Benches() {
		assert.NotZero(t, b.Mismatches, "shard %d saw differences too", k)
	}
}

func TestPoolRefusesHistoryDependence(t *testing.T) {
	cfg := host.DefaultConfig()
	cfg.FlowState.Enabled = true
	_, err := NewPool(cfg, Options{}, 2)
	assert.ErrorContains(t, err, "flow state")
	_, err = NewPool(host.DefaultConfig(), Options{ViaLink: true, InFlightCommits: true}, 2)
	assert.ErrorContains(t, err, "in-flight")
	_, err = NewPool(host.DefaultConfig(), Options{}, 0)
	assert.Error(t, err)
}

// TestSplitByCycles: the parts are contiguous, cover every frame once, and
// carry equal simulation cost to within one frame, also when the frame
// sizes are skewed (60-byte frames, then 1500-byte ones: equal frame
// counts would give one part 15 times the other's cycles).
func TestSplitByCycles(t *testing.T) {
	cost := func(f []byte) int { return (len(f)+7)/8 + 1 }
	var skewed [][]byte
	for i := 0; i < 1000; i++ {
		skewed = append(skewed, make([]byte, 60))
	}
	for i := 0; i < 1000; i++ {
		skewed = append(skewed, make([]byte, 1500))
	}
	uniform := make([][]byte, 7)
	for i := range uniform {
		uniform[i] = make([]byte, 64)
	}
	for _, tc := range []struct {
		name   string
		frames [][]byte
		n      int
	}{{"skewed/2", skewed, 2}, {"skewed/3", skewed, 3}, {"uniform/3", uniform, 3}, {"fewer frames than parts", uniform[:2], 3}, {"none", nil, 2}} {
		b := splitByCycles(tc.frames, tc.n)
		require.Len(t, b, tc.n+1, tc.name)
		require.Equal(t, 0, b[0], tc.name)
		require.Equal(t, len(tc.frames), b[tc.n], tc.name)
		total, maxCost := 0, 0
		for _, f := range tc.frames {
			total += cost(f)
			maxCost = max(maxCost, cost(f))
		}
		for k := 0; k < tc.n; k++ {
			require.LessOrEqual(t, b[k], b[k+1], "%s: parts out of order", tc.name)
			part := 0
			for _, f := range tc.frames[b[k]:b[k+1]] {
				part += cost(f)
			}
			assert.InDelta(t, float64(total)/float64(tc.n), float64(part), float64(maxCost), "%s: part %d", tc.name, k)
		}
	}
}
