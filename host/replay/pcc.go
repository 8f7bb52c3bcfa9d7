package replay

import (
	"bytes"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
)

// Per-connection consistency (flowsteer pcc): what a table change in the
// middle of a capture does to established connections, with the SPEC 5 flow
// table on and off. Definitions (docs/flow-state.md):
//
//   - connection: a TCP or UDP 5-tuple, direction-independent (protocol and
//     the two address:port endpoints in a fixed order), counted only when its
//     frames are hashed (SRC_HASH, DST_HASH, FLOW_STATE; EQUAL_PORTS frames
//     go to a fixed TM that no table change moves).
//   - established: it has frames both before the change frame and from it on.
//   - moved: some frame of it at or after the change goes to a TM other than
//     the one its last frame before the change went to.
//   - flow key: partition ‖ the 18-byte hash input (client address and
//     port); several connections of one client port share one key, so one
//     table entry.
//   - predicted (from the flow table's own events): an established
//     connection moves with flow state on exactly when, after the change, its
//     flow key missed (its entry had been evicted, and was re-inserted with
//     the new table's TM) before one of the connection's later frames, and
//     its bucket has another TM in the new table. Every such re-insertion is
//     a post-change miss on a key that existed before the change, so
//     misses after the change = keys first seen after it + re-insertions.

// ConsistencyOptions set the flow table geometry for the "on" run; zero
// means the configuration's (SPEC default 1024 x 4).
type ConsistencyOptions struct {
	Sets, Ways int
}

// ConsistencyReport is the result of Consistency.
type ConsistencyReport struct {
	Capture     string
	Frames      uint64
	ChangeFrame uint64
	Partition   int    // partition of the changed table
	Image       string // where the new table came from

	Connections  int // hashed TCP/UDP connections in the capture
	BeforeOnly   int // seen only before the change
	AfterOnly    int // first seen at or after the change
	Established  int // seen on both sides of the change
	MovedOff     int // established connections that changed TM, flow state off
	MovedOn      int // the same with flow state on (the damage)
	Predicted    int // established connections the flow table's events predict to move
	ReMissed     int // established connections whose key missed after the change (moved or not)
	BucketsMoved int // buckets of the changed partition whose TM changed
	// Flow table (flow state on).
	Sets, Ways          int
	OccupancyAtChange   int
	Occupancy           int // at the end
	Counters            host.FlowCounters
	CountersAfter       host.FlowCounters // from the change frame on
	NewKeysAfter        int               // flow keys first looked up at or after the change
	NewKeyMissesAfter   uint64            // post-change misses on those keys (first lookups and re-insertions)
	ReinsertionsAfter   uint64            // post-change misses on keys that existed before
	FramesOn, FramesOff Summary           // decision counts of both runs
}

// BucketShare is the fraction of the 4096 buckets the change moved.
func (r *ConsistencyReport) BucketShare() float64 {
	return float64(r.BucketsMoved) / host.TableSize
}

// MovedShare is moved / established (0 when nothing is established).
func (r *ConsistencyReport) MovedShare(moved int) float64 {
	if r.Established == 0 {
		return 0
	}
	return float64(moved) / float64(r.Established)
}

// connKey is a direction-independent 5-tuple: protocol and the two
// endpoints (address ‖ port), the smaller first.
type connKey struct {
	proto  uint8
	lo, hi [18]byte
}

type connState struct {
	key            [host.FlowKeySize]byte
	before, after  bool
	lastOffBefore  uint8 // TM of the last frame before the change, flow state off
	lastOnBefore   uint8 // the same, flow state on
	movedOff       bool
	movedOn        bool
	predicted      bool
	lastFrameAfter uint64
}

type keyState struct {
	seenBefore     bool
	firstMissAfter uint64 // frame of the first post-change miss, 0 if none
	missesAfter    uint64
}

// Consistency replays the capture twice at once, with flow state on and
// off, applying one table change, and measures per-connection consistency.
func Consistency(path string, cfg *host.Config, change Change, opt ConsistencyOptions, progress Progress) (*ConsistencyReport, error) {
	onCfg, offCfg := *cfg, *cfg
	onCfg.FlowState.Enabled = true
	if opt.Sets != 0 {
		onCfg.FlowState.Sets = opt.Sets
	}
	if opt.Ways != 0 {
		onCfg.FlowState.Ways = opt.Ways
	}
	offCfg.FlowState.Enabled = false
	on, err := host.NewModel(&onCfg)
	if err != nil {
		return nil, err
	}
	off, err := host.NewModel(&offCfg)
	if err != nil {
		return nil, err
	}
	if change.Partition < 0 || change.Partition >= host.MaxPartitions || change.Table == nil {
		return nil, fmt.Errorf("change at frame %d: bad partition %d or no table", change.Frame, change.Partition)
	}
	old := off.Table(change.Partition)
	rep := &ConsistencyReport{Capture: path, ChangeFrame: change.Frame, Partition: change.Partition, Image: change.Path,
		Sets: onCfg.FlowState.Sets, Ways: onCfg.FlowState.Ways}
	for i := range old {
		if old[i] != change.Table[i] {
			rep.BucketsMoved++
		}
	}

	macs := host.MACFilter{Promiscuous: cfg.Promiscuous, Groups: cfg.GroupMACs}
	conns := map[connKey]*connState{}
	keys := map[[host.FlowKeySize]byte]*keyState{}
	var p host.Parsed
	var countersAtChange host.FlowCounters
	n, err := frameLoop(path, cfg, []Change{change}, []*host.Model{on, off}, progress, func(n uint64, f capture.Frame) error {
		afterChange := n >= change.Frame
		if n == change.Frame {
			countersAtChange = on.Flows().Counters
			rep.OccupancyAtChange = on.Flows().Occupancy()
		}
		dOn := on.Decide(f.Data)
		dOff := off.Decide(f.Data)
		rep.FramesOn.Add(dOn)
		rep.FramesOff.Add(dOff)
		if dOff.Reason != host.ReasonSrcHash && dOff.Reason != host.ReasonDstHash {
			return nil
		}
		host.Parse(f.Data, &macs, &p)
		ck, fk := connectionOf(&p, dOff)
		c := conns[ck]
		if c == nil {
			c = &connState{key: fk}
			conns[ck] = c
		}
		k := keys[fk]
		if k == nil {
			k = &keyState{}
			keys[fk] = k
			if afterChange {
				rep.NewKeysAfter++
			}
		}
		if !afterChange {
			c.before = true
			k.seenBefore = true
			c.lastOffBefore, c.lastOnBefore = dOff.TM, dOn.TM
			return nil
		}
		c.after = true
		c.lastFrameAfter = n
		if dOn.Reason != host.ReasonFlowState { // a miss on this key
			k.missesAfter++
			if k.firstMissAfter == 0 {
				k.firstMissAfter = n
			}
		}
		if c.before {
			c.movedOff = c.movedOff || dOff.TM != c.lastOffBefore
			c.movedOn = c.movedOn || dOn.TM != c.lastOnBefore
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if change.Frame > n {
		return nil, fmt.Errorf("change at frame %d: the capture has only %d frames", change.Frame, n)
	}
	rep.Frames = n
	ft := on.Flows()
	rep.Occupancy = ft.Occupancy()
	rep.Counters = ft.Counters
	rep.CountersAfter = host.FlowCounters{
		Hits: ft.Counters.Hits - countersAtChange.Hits, Misses: ft.Counters.Misses - countersAtChange.Misses,
		Inserts: ft.Counters.Inserts - countersAtChange.Inserts, Evictions: ft.Counters.Evictions - countersAtChange.Evictions,
		Flushed: ft.Counters.Flushed - countersAtChange.Flushed}
	for _, k := range keys {
		if k.seenBefore {
			rep.ReinsertionsAfter += k.missesAfter
		} else {
			rep.NewKeyMissesAfter += k.missesAfter
		}
	}
	for _, c := range conns {
		rep.Connections++
		switch {
		case c.before && c.after:
			rep.Established++
		case c.before:
			rep.BeforeOnly++
		default:
			rep.AfterOnly++
		}
		if !(c.before && c.after) {
			continue
		}
		k := keys[c.key]
		if k.firstMissAfter != 0 && k.firstMissAfter <= c.lastFrameAfter {
			rep.ReMissed++
			// The re-inserted entry holds the new table's TM, which the
			// flow-state-off run shows for the same frames.
			c.predicted = c.movedOff
		}
		if c.predicted {
			rep.Predicted++
		}
		if c.movedOff {
			rep.MovedOff++
		}
		if c.movedOn {
			rep.MovedOn++
		}
	}
	return rep, nil
}

// connectionOf returns the connection's direction-independent 5-tuple and
// its flow key (partition ‖ the 18-byte hash input, as the model builds it).
func connectionOf(p *host.Parsed, d host.Decision) (connKey, [host.FlowKeySize]byte) {
	var a, b [18]byte
	copy(a[:16], p.Src[:])
	a[16], a[17] = byte(p.SrcPort>>8), byte(p.SrcPort)
	copy(b[:16], p.Dst[:])
	b[16], b[17] = byte(p.DstPort>>8), byte(p.DstPort)
	if bytes.Compare(a[:], b[:]) > 0 {
		a, b = b, a
	}
	var fk [host.FlowKeySize]byte
	fk[0] = d.Partition
	client := a
	if p.SrcPort > p.DstPort { // SPEC 2 step 11: the side with the larger port
		copy(client[:16], p.Src[:])
		client[16], client[17] = byte(p.SrcPort>>8), byte(p.SrcPort)
	} else {
		copy(client[:16], p.Dst[:])
		client[16], client[17] = byte(p.DstPort>>8), byte(p.DstPort)
	}
	copy(fk[1:], client[:])
	return connKey{proto: p.Proto, lo: a, hi: b}, fk
}

// Write prints the report for a person.
func (r *ConsistencyReport) Write(w io.Writer) error {
	pct := func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }
	fmt.Fprintf(w, "capture %s: %d frames; table change at frame %d: partition %d from %s\n",
		r.Capture, r.Frames, r.ChangeFrame, r.Partition, r.Image)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "connections (hashed TCP/UDP)\t%d\t\n", r.Connections)
	fmt.Fprintf(tw, "  only before the change\t%d\t\n", r.BeforeOnly)
	fmt.Fprintf(tw, "  only after the change\t%d\t\n", r.AfterOnly)
	fmt.Fprintf(tw, "  established (both sides)\t%d\t\n", r.Established)
	fmt.Fprintf(tw, "buckets moved by the change\t%d/%d\t%s\n", r.BucketsMoved, host.TableSize, pct(r.BucketShare()))
	fmt.Fprintf(tw, "established moved, flow state off\t%d\t%s\n", r.MovedOff, pct(r.MovedShare(r.MovedOff)))
	fmt.Fprintf(tw, "established moved, flow state on\t%d\t%s\n", r.MovedOn, pct(r.MovedShare(r.MovedOn)))
	fmt.Fprintf(tw, "  predicted by flow-table misses\t%d\t(%d established re-inserted after eviction)\n", r.Predicted, r.ReMissed)
	if err := tw.Flush(); err != nil {
		return err
	}
	c, a := r.Counters, r.CountersAfter
	fmt.Fprintf(w, "flow table %d x %d = %d entries: occupancy %d at the change, %d at the end\n",
		r.Sets, r.Ways, r.Sets*r.Ways, r.OccupancyAtChange, r.Occupancy)
	fmt.Fprintf(w, "  whole capture: %d hits, %d misses, %d inserts, %d evictions\n", c.Hits, c.Misses, c.Inserts, c.Evictions)
	fmt.Fprintf(w, "  after the change: %d hits, %d evictions, %d misses = %d on %d keys new since the change + %d re-insertions of older keys\n",
		a.Hits, a.Evictions, a.Misses, r.NewKeyMissesAfter, r.NewKeysAfter, r.ReinsertionsAfter)
	verdict := "consistent"
	if r.Predicted != r.MovedOn {
		verdict = "INCONSISTENT"
	}
	fmt.Fprintf(w, "damage with flow state on: %d moved, %d predicted: %s\n", r.MovedOn, r.Predicted, verdict)
	return nil
}
