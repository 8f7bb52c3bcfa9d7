package testbench

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/sim"
)

// TestCheckRecordCatchesEveryFault feeds the record check synthetic
// results with one fault each (the RTL cannot be made to misbehave on
// demand), so every check is shown able to fail.
func TestCheckRecordCatchesEveryFault(t *testing.T) {
	cfg := host.DefaultConfig()
	m, _ := host.NewModel(cfg)
	// three frames steered by hash, so every field of the record is live
	var frames [][]byte
	for _, f := range Adversarial(cfg) {
		if d := m.Decide(f); len(frames) < 3 && (d.Reason == host.ReasonSrcHash || d.Reason == host.ReasonDstHash) {
			frames = append(frames, f)
		}
	}
	sw := make([]host.Decision, len(frames))
	good := func() sim.Result {
		var r sim.Result
		for i, f := range frames {
			sw[i] = m.Decide(f)
			r.Decisions = append(r.Decisions, sw[i].Word())
			r.Egress = append(r.Egress, append([]byte(nil), f...))
			r.TDest = append(r.TDest, TDest(sw[i]))
		}
		return r
	}
	r := good()
	for i := range frames {
		dec, stream := checkRecord(i, frames, &r, sw)
		assert.Empty(t, dec)
		assert.Empty(t, stream)
		dec, stream = checkRecord(i, frames, &r, nil)
		assert.Empty(t, dec, "well-formed without a model")
		assert.Empty(t, stream)
	}
	faults := []struct {
		name       string
		mutate     func(r *sim.Result)
		dec, strm  bool
		withoutRef bool // caught without the model too
	}{
		// the tdest (right for the model's TM) then disagrees with the
		// decision too, so even without the model it is caught
		{"other TM", func(r *sim.Result) { r.Decisions[1] ^= 1 << 8 }, true, true, true},
		{"other hash", func(r *sim.Result) { r.Decisions[1] ^= 1 << 40 }, true, false, false},
		{"index not hash&0xfff", func(r *sim.Result) { r.Decisions[1] ^= 1 << 50 }, true, false, true},
		{"reserved bit 60", func(r *sim.Result) { r.Decisions[1] |= 1 << 60 }, true, false, true},
		{"reason of another action", func(r *sim.Result) { r.Decisions[1] = r.Decisions[1]&^0x3c | uint64(host.ReasonMACMiss)<<2 }, true, false, true},
		{"egress byte flipped", func(r *sim.Result) { r.Egress[1][len(r.Egress[1])-1] ^= 1 }, false, true, true},
		{"egress truncated", func(r *sim.Result) { r.Egress[1] = r.Egress[1][:len(r.Egress[1])-1] }, false, true, true},
		{"egress reordered", func(r *sim.Result) { r.Egress[1], r.Egress[2] = r.Egress[2], r.Egress[1] }, false, true, true},
		{"tdest action", func(r *sim.Result) { r.TDest[1] ^= 1 << 9 }, false, true, true},
		{"tdest tm", func(r *sim.Result) { r.TDest[1] ^= 1 }, false, true, true},
	}
	for _, f := range faults {
		r := good()
		f.mutate(&r)
		dec, stream := checkRecord(1, frames, &r, sw)
		assert.Equal(t, f.dec, dec != "", "%s: decision check (%q)", f.name, dec)
		assert.Equal(t, f.strm, stream != "", "%s: stream check (%q)", f.name, stream)
		dec, stream = checkRecord(1, frames, &r, nil)
		assert.Equal(t, f.withoutRef, dec != "" || stream != "", "%s without the model", f.name)
	}
}
