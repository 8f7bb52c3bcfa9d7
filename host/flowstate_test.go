package host

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// flowKeyInput is an 18-byte SRC_HASH/DST_HASH input made from a small id.
func flowKeyInput(id int) []byte {
	in := make([]byte, 18)
	in[0], in[1], in[17] = byte(id>>8), byte(id), 0x55
	return in
}

// tableDecision is what the allocation table says for a frame whose hash
// selects set `set` (the bucket index is irrelevant to the flow table).
func tableDecision(set int, tm uint8) Decision {
	h := uint32(set)<<12 | 0x123
	return Decision{Action: ActionForward, Reason: ReasonDstHash, TM: tm, Hash: h, Index: uint16(h & 0xfff)}
}

func newFlowTable(t *testing.T, sets, ways int) *FlowTable {
	t.Helper()
	ft, err := NewFlowTable(sets, ways)
	require.NoError(t, err)
	return ft
}

func TestFlowTableGeometryErrors(t *testing.T) {
	for _, c := range []struct{ sets, ways int }{{0, 4}, {3, 4}, {1 << 21, 4}, {4, 0}, {4, 17}} {
		_, err := NewFlowTable(c.sets, c.ways)
		assert.Error(t, err, "%d x %d", c.sets, c.ways)
	}
}

// The first packet takes the table's TM and is remembered; later packets of
// the same connection keep that TM even when the table says otherwise.
func TestFlowTableHitAfterFirstPacket(t *testing.T) {
	ft := newFlowTable(t, 4, 2)
	in := flowKeyInput(1)
	d := ft.Apply(0, in, tableDecision(2, 3))
	assert.Equal(t, ReasonDstHash, d.Reason)
	assert.Equal(t, uint8(3), d.TM)

	d = ft.Apply(0, in, tableDecision(2, 6)) // the bucket moved to TM 6
	assert.Equal(t, ReasonFlowState, d.Reason)
	assert.Equal(t, uint8(3), d.TM, "an established flow keeps its TM")
	assert.Equal(t, uint32(2<<12|0x123), d.Hash, "hash and index are still logged")

	// Same 18 bytes in another partition is another connection.
	d = ft.Apply(1, in, tableDecision(2, 6))
	assert.Equal(t, ReasonDstHash, d.Reason)
	assert.Equal(t, uint8(6), d.TM)
	assert.Equal(t, FlowCounters{Hits: 1, Misses: 2, Inserts: 2}, ft.Counters)
	assert.Equal(t, 2, ft.Occupancy())
}

// LRU order in one set of three ways, derived by hand:
// A B C fill ways 0 1 2; a hit on A leaves B least recent, so D evicts B;
// then C, D, A are hits (A most recent), so E evicts C, not A.
func TestFlowTableLRUOrder(t *testing.T) {
	ft := newFlowTable(t, 1, 3)
	A, B, C, D, E := flowKeyInput(1), flowKeyInput(2), flowKeyInput(3), flowKeyInput(4), flowKeyInput(5)
	hit := func(in []byte, tm uint8) bool {
		return ft.Apply(0, in, tableDecision(0, tm)).Reason == ReasonFlowState
	}
	require.False(t, hit(A, 1))
	require.False(t, hit(B, 2))
	require.False(t, hit(C, 3))
	require.True(t, hit(A, 9))
	require.False(t, hit(D, 4)) // evicts B
	assert.Equal(t, uint64(1), ft.Counters.Evictions)
	require.True(t, hit(C, 9))
	require.True(t, hit(D, 9))
	require.True(t, hit(A, 9))
	require.False(t, hit(E, 5)) // evicts C, the least recent
	assert.True(t, hit(A, 9), "A was used recently and must survive")
	assert.True(t, hit(D, 9))
	assert.True(t, hit(E, 9))
	assert.False(t, hit(C, 7), "C was the least recent")
	assert.Equal(t, FlowCounters{Hits: 7, Misses: 6, Inserts: 6, Evictions: 3}, ft.Counters)
}

// Evictions in a small table: 2 sets x 2 ways, five connections in set 1.
// Each new key evicts, and an evicted connection comes back with the TM the
// table gives now, not the one it had.
func TestFlowTableEvictionsSmallTable(t *testing.T) {
	ft := newFlowTable(t, 2, 2)
	for id := 0; id < 5; id++ {
		d := ft.Apply(0, flowKeyInput(id), tableDecision(1, uint8(id)))
		require.Equal(t, ReasonDstHash, d.Reason)
	}
	assert.Equal(t, uint64(3), ft.Counters.Evictions)
	assert.Equal(t, 2, ft.Occupancy(), "set 0 stays empty")
	// Connection 0 was evicted: it now follows the (changed) table.
	d := ft.Apply(0, flowKeyInput(0), tableDecision(1, 7))
	assert.Equal(t, ReasonDstHash, d.Reason)
	assert.Equal(t, uint8(7), d.TM)
	// Set 0 is separate: a key there never evicts set 1's entries.
	ft.Apply(0, flowKeyInput(9), tableDecision(0, 1))
	assert.Equal(t, uint64(4), ft.Counters.Evictions)
	assert.Equal(t, ReasonFlowState, ft.Apply(0, flowKeyInput(0), tableDecision(1, 2)).Reason)
}

func TestFlowTableFlush(t *testing.T) {
	ft := newFlowTable(t, 4, 2)
	// Six connections over four sets on TMs 0, 1, 2.
	for id := 0; id < 6; id++ {
		ft.Apply(0, flowKeyInput(id), tableDecision(id%4, uint8(id%3)))
	}
	require.Equal(t, 6, ft.Occupancy())

	ft.FlushTM(1) // ids 1 and 4
	assert.Equal(t, uint64(2), ft.Counters.Flushed)
	assert.Equal(t, 4, ft.Occupancy())
	ft.FlushTM(1) // nothing left on TM 1
	ft.FlushTM(200)
	assert.Equal(t, uint64(2), ft.Counters.Flushed)
	for id := 0; id < 6; id++ {
		d := ft.Apply(0, flowKeyInput(id), tableDecision(id%4, 7))
		if id%3 == 1 {
			assert.Equal(t, uint8(7), d.TM, "flushed connection %d re-decided by the table", id)
		} else {
			assert.Equal(t, uint8(id%3), d.TM, "connection %d keeps its TM", id)
		}
	}
	ft.FlushAll()
	assert.Equal(t, uint64(8), ft.Counters.Flushed)
	assert.Zero(t, ft.Occupancy())
	d := ft.Apply(0, flowKeyInput(0), tableDecision(0, 5))
	assert.Equal(t, uint8(5), d.TM)
	assert.Equal(t, FlowCounters{Hits: 4, Misses: 9, Inserts: 9, Flushed: 8}, ft.Counters)
}

// lruOracle is a second, independent statement of the replacement rule:
// each way keeps the time of its last use (initially way 0 newest), the
// victim in a full set is the way used longest ago, an insert goes to the
// lowest-numbered empty way.
type lruOracle struct {
	sets, ways int
	valid      []bool
	key        []string
	tm         []uint8
	used       []int
	now        int
	c          FlowCounters
}

func newLRUOracle(sets, ways int) *lruOracle {
	o := &lruOracle{sets: sets, ways: ways, valid: make([]bool, sets*ways), key: make([]string, sets*ways),
		tm: make([]uint8, sets*ways), used: make([]int, sets*ways)}
	for i := range o.used {
		o.used[i] = -(i % ways)
	}
	return o
}

func (o *lruOracle) apply(key string, set int, tm uint8) (bool, uint8) {
	o.now++
	base := set * o.ways
	for w := 0; w < o.ways; w++ {
		if o.valid[base+w] && o.key[base+w] == key {
			o.used[base+w] = o.now
			o.c.Hits++
			return true, o.tm[base+w]
		}
	}
	o.c.Misses++
	o.c.Inserts++
	victim := -1
	for w := o.ways - 1; w >= 0; w-- {
		if !o.valid[base+w] {
			victim = w
		}
	}
	if victim < 0 {
		o.c.Evictions++
		victim = 0
		for w := 1; w < o.ways; w++ {
			if o.used[base+w] < o.used[base+victim] {
				victim = w
			}
		}
	}
	i := base + victim
	o.valid[i], o.key[i], o.tm[i], o.used[i] = true, key, tm, o.now
	return false, tm
}

func (o *lruOracle) flush(all bool, tm uint8) {
	for i := range o.valid {
		if o.valid[i] && (all || o.tm[i] == tm) {
			o.valid[i] = false
			o.c.Flushed++
		}
	}
}

// The model agrees with the timestamp oracle on random operation streams.
func TestPropertyFlowTableMatchesLRUOracle(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		setsLog2 := rapid.IntRange(0, 3).Draw(t, "setsLog2")
		ways := rapid.IntRange(1, 8).Draw(t, "ways")
		sets := 1 << setsLog2
		ft, err := NewFlowTable(sets, ways)
		require.NoError(t, err)
		o := newLRUOracle(sets, ways)
		nKeys := rapid.IntRange(1, 3*sets*ways+2).Draw(t, "keys")
		ops := rapid.IntRange(1, 300).Draw(t, "ops")
		for i := 0; i < ops; i++ {
			switch rapid.IntRange(0, 40).Draw(t, "op") {
			case 0:
				ft.FlushAll()
				o.flush(true, 0)
			case 1:
				tm := uint8(rapid.IntRange(0, 3).Draw(t, "flushTM"))
				ft.FlushTM(tm)
				o.flush(false, tm)
			default:
				id := rapid.IntRange(0, nKeys-1).Draw(t, "key")
				part := uint8(id % 2)
				set := (id * 7) % sets // keys share sets
				tm := uint8(rapid.IntRange(0, 3).Draw(t, "tm"))
				d := ft.Apply(part, flowKeyInput(id), tableDecision(set, tm))
				hit, otm := o.apply(fmt.Sprintf("%d/%x", part, flowKeyInput(id)), set, tm)
				require.Equal(t, hit, d.Reason == ReasonFlowState, "op %d hit", i)
				require.Equal(t, otm, d.TM, "op %d tm", i)
			}
			require.Equal(t, o.c, ft.Counters, "op %d counters", i)
		}
	})
}

// connSpec is one TCP or UDP connection between a client and a server.
type connSpec struct {
	udp          bool
	client, srv  [4]byte
	cport, sport uint16
}

func (c connSpec) frame(fromClient bool) []byte {
	proto := uint8(ProtoTCP)
	if c.udp {
		proto = ProtoUDP
	}
	if fromClient {
		return cat(ethHeader(macOurs, 0x0800), ipv4Header(proto, c.client, c.srv, 5, 0), ports(c.cport, c.sport))
	}
	return cat(ethHeader(macOurs, 0x0800), ipv4Header(proto, c.srv, c.client, 5, 0), ports(c.sport, c.cport))
}

// Per-connection consistency (SPEC 5, US 8,218,561): with a flow table
// larger than the active connections, after a table change no established
// connection changes TM, whichever direction its packets travel; new
// connections follow the new table. (The control case, that the change does
// move connections without flow state, is the test after this one.)
func TestPropertyTableChangeKeepsEstablishedConnections(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 64).Draw(t, "connections")
		conns := make([]connSpec, n)
		for i := range conns {
			conns[i] = connSpec{
				udp:    rapid.Bool().Draw(t, "udp"),
				client: [4]byte{10, byte(i >> 8), byte(i), 1},
				srv:    [4]byte{192, 168, 0, byte(rapid.IntRange(1, 4).Draw(t, "srv"))},
				cport:  uint16(rapid.IntRange(1025, 65535).Draw(t, "cport")),
				sport:  uint16(rapid.SampledFrom([]int{22, 53, 80, 443}).Draw(t, "sport")),
			}
		}
		withFlows := newModelForTest(t, true)
		without := newModelForTest(t, false)
		first := make([]uint8, n) // TM at the connection's first packet
		seen := make([]bool, n)
		send := func(i int, fromClient bool) (Decision, Decision) {
			f := conns[i].frame(fromClient)
			return withFlows.Decide(f), without.Decide(f)
		}
		// Establish some of the connections.
		before := rapid.IntRange(n/2, 3*n).Draw(t, "packetsBefore")
		for k := 0; k < before; k++ {
			i := rapid.IntRange(0, n-1).Draw(t, "conn")
			d, _ := send(i, rapid.Bool().Draw(t, "fromClient"))
			if !seen[i] {
				seen[i], first[i] = true, d.TM
			}
			require.Equal(t, first[i], d.TM, "before the change")
		}
		// The table change: a random new allocation.
		rng := rand.New(rand.NewSource(rapid.Int64().Draw(t, "tableSeed")))
		var nt [TableSize]uint8
		for j := range nt {
			nt[j] = uint8(rng.Intn(16))
		}
		require.NoError(t, withFlows.SetTable(0, &nt))
		require.NoError(t, without.SetTable(0, &nt))
		for k := 0; k < 3*n; k++ {
			i := rapid.IntRange(0, n-1).Draw(t, "conn")
			d, off := send(i, rapid.Bool().Draw(t, "fromClient"))
			if seen[i] {
				require.Equal(t, first[i], d.TM, "established connection %d moved (flow state on)", i)
				require.Equal(t, ReasonFlowState, d.Reason)
			} else {
				// New connections follow the new table.
				require.Equal(t, off.TM, d.TM)
				seen[i], first[i] = true, d.TM
			}
		}
		require.Zero(t, withFlows.Flows().Counters.Evictions, "table larger than the connections: no eviction")
	})
}

func newModelForTest(t require.TestingT, flows bool) *Model {
	cfg := DefaultConfig()
	cfg.FlowState = FlowStateConfig{Enabled: flows, Sets: 1024, Ways: 8}
	m, err := NewModel(cfg)
	require.NoError(t, err)
	return m
}

// Without flow state, the same change does move connections whose bucket
// changed: the control case of the property above, on a fixed example.
func TestTableChangeMovesConnectionsWithoutFlowState(t *testing.T) {
	c := connSpec{client: [4]byte{10, 0, 0, 1}, srv: [4]byte{192, 168, 0, 1}, cport: 40000, sport: 80}
	on, off := newModelForTest(t, true), newModelForTest(t, false)
	d0 := on.Decide(c.frame(true))
	require.Equal(t, d0, off.Decide(c.frame(true)), "same decision before any state exists")
	var nt [TableSize]uint8
	for j := range nt {
		nt[j] = uint8((j%8 + 1) % 8) // every bucket moves
	}
	require.NoError(t, on.SetTable(0, &nt))
	require.NoError(t, off.SetTable(0, &nt))
	assert.Equal(t, d0.TM, on.Decide(c.frame(false)).TM, "flow state keeps the connection")
	assert.NotEqual(t, d0.TM, off.Decide(c.frame(false)).TM, "without flow state it moves")
}
