package host

import "fmt"

// FlowKeySize is partition (1 byte) ‖ the 18-byte SRC_HASH/DST_HASH input.
const FlowKeySize = 19

// FlowCounters are SPEC 5's counters.
type FlowCounters struct {
	Hits, Misses, Inserts, Evictions, Flushed uint64
}

// FlowTable is the flow-state table of SPEC 5 (US 8,218,561 claim 1): S sets
// of W ways with least-recently-used replacement. It remembers the TM each
// connection was first given, so reallocating a bucket moves only new flows.
//
// Replacement, exactly (the RTL does the same): a hit makes its way the most
// recently used; a miss inserts into the lowest-numbered empty way, or, when
// the set is full, replaces the least recently used way (an eviction); the
// inserted way becomes the most recently used.
type FlowTable struct {
	sets, ways int
	valid      []bool
	keys       [][FlowKeySize]byte
	tms        []uint8
	age        []uint8 // per way: 0 = most recently used .. ways-1 = least
	Counters   FlowCounters
}

// NewFlowTable makes an empty table; sets must be a power of two (the set
// is taken from hash bits 12 and up).
func NewFlowTable(sets, ways int) (*FlowTable, error) {
	if sets < 1 || sets&(sets-1) != 0 || sets > 1<<20 {
		return nil, fmt.Errorf("flow_state.sets: %d is not a power of two in 1..1048576", sets)
	}
	if ways < 1 || ways > 8 { // the RTL's fs_flow_table supports 1..8 ways
		return nil, fmt.Errorf("flow_state.ways: %d is not in 1..8", ways)
	}
	n := sets * ways
	ft := &FlowTable{sets: sets, ways: ways, valid: make([]bool, n),
		keys: make([][FlowKeySize]byte, n), tms: make([]uint8, n), age: make([]uint8, n)}
	ft.resetAges()
	return ft, nil
}

func (ft *FlowTable) resetAges() {
	for s := 0; s < ft.sets; s++ {
		for w := 0; w < ft.ways; w++ {
			ft.age[s*ft.ways+w] = uint8(w)
		}
	}
}

// Sets and Ways describe the geometry.
func (ft *FlowTable) Sets() int { return ft.sets }
func (ft *FlowTable) Ways() int { return ft.ways }

// Occupancy counts live entries.
func (ft *FlowTable) Occupancy() int {
	n := 0
	for _, v := range ft.valid {
		if v {
			n++
		}
	}
	return n
}

// Apply looks the connection up. d is the table decision for the frame
// (SRC_HASH or DST_HASH); the result is d itself on a miss (after inserting
// it) or FLOW_STATE with the remembered TM on a hit.
func (ft *FlowTable) Apply(part uint8, input []byte, d Decision) Decision {
	var key [FlowKeySize]byte
	key[0] = part
	copy(key[1:], input)
	set := int(d.Hash>>12) & (ft.sets - 1)
	base := set * ft.ways
	for w := 0; w < ft.ways; w++ {
		i := base + w
		if ft.valid[i] && ft.keys[i] == key {
			ft.Counters.Hits++
			ft.touch(base, w)
			d.Reason = ReasonFlowState
			d.TM = ft.tms[i]
			return d
		}
	}
	ft.Counters.Misses++
	victim := -1
	for w := 0; w < ft.ways; w++ {
		if !ft.valid[base+w] {
			victim = w
			break
		}
	}
	if victim < 0 {
		for w := 0; w < ft.ways; w++ {
			if int(ft.age[base+w]) == ft.ways-1 {
				victim = w
			}
		}
		ft.Counters.Evictions++
	}
	i := base + victim
	ft.valid[i] = true
	ft.keys[i] = key
	ft.tms[i] = d.TM
	ft.Counters.Inserts++
	ft.touch(base, victim)
	return d
}

// touch makes way w of the set at base the most recently used.
func (ft *FlowTable) touch(base, w int) {
	old := ft.age[base+w]
	for v := 0; v < ft.ways; v++ {
		if ft.age[base+v] < old {
			ft.age[base+v]++
		}
	}
	ft.age[base+w] = 0
}

// FlushAll forgets every connection.
func (ft *FlowTable) FlushAll() { ft.flush(func(int) bool { return true }) }

// FlushTM forgets the connections held on one TM (a failed TM).
func (ft *FlowTable) FlushTM(tm uint8) { ft.flush(func(i int) bool { return ft.tms[i] == tm }) }

// flush invalidates matching entries. Ages are left alone: an empty way is
// always filled before any eviction, so stale ages never pick a victim.
func (ft *FlowTable) flush(match func(int) bool) {
	for i := range ft.valid {
		if ft.valid[i] && match(i) {
			ft.valid[i] = false
			ft.Counters.Flushed++
		}
	}
}
