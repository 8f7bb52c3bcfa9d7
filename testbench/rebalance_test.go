package testbench

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/table"
)

// TestCompareTracesFlowStateRebalance is issue 6's check as stated: every
// capture, whole, on a fresh device with flow state on, steered by a
// uniform 8-TM table that is rebalanced halfway through to add a ninth TM
// (the minimum number of buckets moves). Model and RTL must agree on every
// frame, and established flows must keep their TM on both sides (they are
// FLOW_STATE hits after the commit).
func TestCompareTracesFlowStateRebalance(t *testing.T) {
	files := traceFiles(t)
	if !flowStateAvailable(t) {
		t.Skip("the RTL has no flow table (CAPS FLOW_ENABLE=0)")
	}
	eight, err := table.Uniform(8)
	require.NoError(t, err)
	nine, moved, minimum, err := table.Rebalance(eight, []float64{1, 1, 1, 1, 1, 1, 1, 1, 1})
	require.NoError(t, err)
	require.Equal(t, minimum, moved)
	before := [host.TableSize]uint8(eight)
	after := [host.TableSize]uint8(nine)

	var frames, hits uint64
	for _, path := range files {
		cfg := host.DefaultConfig()
		cfg.FlowState.Enabled = true
		cfg.Partitions[0].Table = &before
		fr := loadFrames(t, path, cfg)
		if len(fr) < 2 {
			continue
		}
		b := newBench(t, cfg, Options{Pattern: PatternMixed, Seed: 6, Batch: 4096})
		change := []Change{{Frame: uint64(len(fr)/2) + 1, Partition: 0, Table: &after, Source: "rebalance to 9 TMs"}}
		err := b.Run(fr, change)
		if me, ok := err.(*MismatchError); ok {
			t.Fatalf("%s: %v (report in %s)", filepath.Base(path), err, me.Dir)
		}
		require.NoError(t, err, filepath.Base(path))
		require.NoError(t, b.Finish(), "%s: device counters against the model", filepath.Base(path))
		frames += b.Frames()
		hits += b.HW.Reasons[host.ReasonFlowState]
		b.Close()
	}
	t.Logf("%d frames from %d captures, %d FLOW_STATE decisions; %d of 4096 buckets moved at each halfway commit",
		frames, len(files), hits, moved)
	require.NotZero(t, hits)
}
