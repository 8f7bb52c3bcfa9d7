// Command vecgen writes the stimulus and expected results of the flow-table
// unit bench (testbench/flow/tb_flow_table.v) as $readmemh files.
//
// The expectations come from host.FlowTable (host/flowstate.go), the
// reference model of SPEC 5; the RTL is never consulted. The stream is built
// to reach the hard cases:
//
//   - many flows hashed into a few sets (evictions, full sets, LRU order),
//     plus some spread over all sets;
//   - a hot set of recent flows revisited (hits, back-to-back requests to
//     one set, the forwarding path of the RTL);
//   - colliding keys: same hash, keys one bit apart or differing only in the
//     partition (the comparator must use all 146 bits);
//   - a table TM that changes under established flows (a hit must return
//     the stored TM, not the request's);
//   - pass-through requests (apply = 0) mixed in;
//   - flush all and flush of one TM (also a TM no entry can hold), alone, in
//     the same cycle as a request, and back to back;
//   - idle gaps, counter checks and counter clears.
//
// Files in -out:
//
//	ev.hex   one 256-bit event per line (layout in eventWord below)
//	cnt.hex  one 160-bit word per CHECK event: {hits, misses, inserts,
//	         evictions, flushed}, 32 bits each, hits in the top bits
//
// A summary of what the stream covers goes to stdout.
//
// Example:
//
//	go run ./testbench/flow/vecgen -out build/flow/w4 -sets-log2 2 -ways 4 -tm-bits 8 -events 20000
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/big"
	"math/rand"
	"os"
	"path/filepath"

	"github.com/flowsteer/flowsteer/host"
)

// Event kinds (bits [255:252] of an event word).
const (
	kindCycle = 0 // drive one cycle: request and/or command pulses
	kindIdle  = 1 // drive N idle cycles (N in the low 32 bits)
	kindCheck = 2 // drain, then compare the counters with the next cnt.hex word
	kindClear = 3 // drain, then pulse cnt_clear for one cycle
	kindEnd   = 15
)

// event is one line of ev.hex.
type event struct {
	kind              int
	reqValid, apply   bool
	flushAll, flushTM bool
	cmdTM             uint8
	partition         uint8
	key               [18]byte
	hash              uint32
	tm                uint8
	expHit            bool
	expTM             uint8
	idle              uint32
}

func bit(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// eventWord packs an event, most significant field first:
//
//	[255:252] kind        [251] req_valid   [250] req_apply
//	[249] flush_all       [248] flush_tm    [247:240] cmd_tm
//	[239:238] partition   [237:94] key (byte 0 in [237:230])
//	[93:62] hash          [61:54] req_tm    [53] exp_hit   [52:45] exp_tm
//	[31:0] idle cycles (kindIdle)
func eventWord(e event) string {
	v := new(big.Int)
	push := func(width uint, val *big.Int) {
		v.Lsh(v, width)
		v.Or(v, val)
	}
	n := func(x int64) *big.Int { return big.NewInt(x) }
	push(4, n(int64(e.kind)))
	push(1, n(bit(e.reqValid)))
	push(1, n(bit(e.apply)))
	push(1, n(bit(e.flushAll)))
	push(1, n(bit(e.flushTM)))
	push(8, n(int64(e.cmdTM)))
	push(2, n(int64(e.partition)))
	push(144, new(big.Int).SetBytes(e.key[:]))
	push(32, n(int64(e.hash)))
	push(8, n(int64(e.tm)))
	push(1, n(bit(e.expHit)))
	push(8, n(int64(e.expTM)))
	push(45, n(int64(e.idle)))
	return fmt.Sprintf("%064x", v)
}

type flow struct {
	partition uint8
	key       [18]byte
	hash      uint32
	tm        uint8 // the allocation table's TM for this flow, changes now and then
}

type generator struct {
	rng            *rand.Rand
	ft             *host.FlowTable
	setsLog2, ways int
	tmBits         int
	flows          []flow
	recent         []int
	events         []event
	checks         []host.FlowCounters
	base           host.FlowCounters // counters at the last clear
	lastSet        int
	// coverage
	sameSetB2B, passThrough, flushesAll, flushesTM, withReq, b2bFlush int
}

func (g *generator) randTM() uint8 { return uint8(g.rng.Intn(1 << g.tmBits)) }

// makeFlows builds the pool: most flows in a few hot sets, some anywhere,
// and colliding twins (same hash, key one bit or one partition apart).
func (g *generator) makeFlows(n int) {
	sets := 1 << g.setsLog2
	hot := []int{0, sets - 1, sets / 2, 1 % sets}
	for i := 0; i < n; i++ {
		var f flow
		f.partition = uint8(g.rng.Intn(4))
		g.rng.Read(f.key[:])
		set := g.rng.Intn(sets)
		if g.rng.Intn(4) != 0 {
			set = hot[g.rng.Intn(len(hot))]
		}
		// Random bits outside the set field: the table must ignore them.
		f.hash = g.rng.Uint32()&^(uint32(sets-1)<<12) | uint32(set)<<12
		f.tm = g.randTM()
		g.flows = append(g.flows, f)
		if g.rng.Intn(6) == 0 {
			twin := f
			if g.rng.Intn(2) == 0 {
				b := g.rng.Intn(144)
				twin.key[b/8] ^= 0x80 >> (b % 8)
			} else {
				twin.partition ^= uint8(1 + g.rng.Intn(3))
			}
			twin.tm = g.randTM()
			g.flows = append(g.flows, twin)
			i++
		}
	}
}

func (g *generator) pickFlow() int {
	if len(g.recent) > 0 && g.rng.Intn(2) == 0 {
		return g.recent[g.rng.Intn(len(g.recent))]
	}
	i := g.rng.Intn(len(g.flows))
	g.recent = append(g.recent, i)
	if len(g.recent) > 2*g.ways {
		g.recent = g.recent[1:]
	}
	return i
}

// request makes a request event and applies it to the model.
func (g *generator) request() event {
	i := g.pickFlow()
	f := &g.flows[i]
	if g.rng.Intn(10) == 0 {
		f.tm = g.randTM() // a table change under the flow
	}
	e := event{kind: kindCycle, reqValid: true, apply: g.rng.Intn(10) != 0,
		partition: f.partition, key: f.key, hash: f.hash, tm: f.tm}
	set := int(f.hash>>12) & (1<<g.setsLog2 - 1)
	if set == g.lastSet {
		g.sameSetB2B++
	}
	g.lastSet = set
	if !e.apply {
		g.passThrough++
		e.expTM = f.tm
		return e
	}
	d := host.Decision{Action: host.ActionForward, Reason: host.ReasonDstHash,
		Partition: f.partition, TM: f.tm, Hash: f.hash, Index: uint16(f.hash & 0xfff)}
	out := g.ft.Apply(f.partition, f.key[:], d)
	e.expHit = out.Reason == host.ReasonFlowState
	e.expTM = out.TM
	return e
}

// flush adds a flush command to e (applied to the model after e's request,
// the RTL's order for a command in the same cycle as a request).
func (g *generator) flush(e *event) {
	if g.rng.Intn(3) == 0 {
		e.flushAll = true
		g.flushesAll++
		g.ft.FlushAll()
		return
	}
	e.flushTM = true
	g.flushesTM++
	if g.rng.Intn(8) == 0 {
		e.cmdTM = uint8(g.rng.Intn(256)) // maybe beyond TM_BITS: matches nothing
	} else {
		e.cmdTM = g.randTM()
	}
	g.ft.FlushTM(e.cmdTM)
}

func (g *generator) check() {
	c := g.ft.Counters
	b := g.base
	g.checks = append(g.checks, host.FlowCounters{Hits: c.Hits - b.Hits, Misses: c.Misses - b.Misses,
		Inserts: c.Inserts - b.Inserts, Evictions: c.Evictions - b.Evictions, Flushed: c.Flushed - b.Flushed})
	g.events = append(g.events, event{kind: kindCheck})
}

func (g *generator) run(n int, flushEvery int) {
	g.lastSet = -1
	for len(g.events) < n {
		if g.rng.Intn(flushEvery) == 0 {
			e := event{kind: kindCycle}
			if g.rng.Intn(3) == 0 {
				e = g.request()
				g.withReq++
			}
			g.flush(&e)
			g.events = append(g.events, e)
			if g.rng.Intn(4) == 0 { // a second command on the very next cycle
				e2 := event{kind: kindCycle}
				g.flush(&e2)
				g.events = append(g.events, e2)
				g.b2bFlush++
			}
			g.lastSet = -1
			continue
		}
		r := g.rng.Intn(1000)
		switch {
		case r < 30:
			g.events = append(g.events, event{kind: kindIdle, idle: uint32(1 + g.rng.Intn(3))})
			g.lastSet = -1
		case r < 40:
			g.check()
		case r < 42:
			g.check()
			g.base = g.ft.Counters
			g.events = append(g.events, event{kind: kindClear})
		default:
			g.events = append(g.events, g.request())
		}
	}
	g.check()
	g.events = append(g.events, event{kind: kindEnd})
}

func main() {
	out := flag.String("out", "build/flow/vec", "output directory")
	setsLog2 := flag.Int("sets-log2", 2, "SETS_LOG2 of the table under test")
	ways := flag.Int("ways", 4, "WAYS of the table under test (1..8)")
	tmBits := flag.Int("tm-bits", 8, "TM_BITS of the table under test (1..8)")
	nEvents := flag.Int("events", 20000, "number of events")
	nFlows := flag.Int("flows", 0, "flows in the pool (0: 6 x sets x ways, at least 24)")
	flushEvery := flag.Int("flush-every", 150, "one flush per this many events on average")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()
	if err := gen(*out, *setsLog2, *ways, *tmBits, *nEvents, *nFlows, *flushEvery, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "vecgen:", err)
		os.Exit(1)
	}
}

func gen(out string, setsLog2, ways, tmBits, nEvents, nFlows, flushEvery int, seed int64) error {
	if setsLog2 < 0 || setsLog2 > 20 || tmBits < 1 || tmBits > 8 || ways < 1 || ways > 8 || flushEvery < 2 {
		return fmt.Errorf("bad geometry: sets-log2 %d (0..20), ways %d (1..8), tm-bits %d (1..8), flush-every %d (>= 2)",
			setsLog2, ways, tmBits, flushEvery)
	}
	ft, err := host.NewFlowTable(1<<setsLog2, ways)
	if err != nil {
		return err
	}
	if nFlows == 0 {
		nFlows = max(24, 6*ways*min(1<<setsLog2, 16))
	}
	g := &generator{rng: rand.New(rand.NewSource(seed)), ft: ft, setsLog2: setsLog2, ways: ways, tmBits: tmBits}
	g.makeFlows(nFlows)
	g.run(nEvents, flushEvery)

	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(out, "ev.hex"), len(g.events), func(i int) string { return eventWord(g.events[i]) }); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(out, "cnt.hex"), len(g.checks), func(i int) string {
		c := g.checks[i]
		return fmt.Sprintf("%08x%08x%08x%08x%08x", uint32(c.Hits), uint32(c.Misses), uint32(c.Inserts),
			uint32(c.Evictions), uint32(c.Flushed))
	}); err != nil {
		return err
	}
	c := ft.Counters
	fmt.Printf("vecgen: %d events, %d counter checks; model: %d hits, %d misses, %d evictions, %d flushed; "+
		"%d same-set back-to-back, %d pass-through, %d flush-all, %d flush-tm (%d with a request, %d back to back)\n",
		len(g.events), len(g.checks), c.Hits, c.Misses, c.Evictions, c.Flushed,
		g.sameSetB2B, g.passThrough, g.flushesAll, g.flushesTM, g.withReq, g.b2bFlush)
	return nil
}

func writeLines(path string, n int, line func(int) string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i := 0; i < n; i++ {
		fmt.Fprintln(w, line(i))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
