// Command vecgen writes the stimulus and expected results of the Icarus
// full-pipeline testbench (testbench/hdl/tb_flowsteer.v) as $readmemh files.
//
// Expected decisions come from the Go reference model (package host, default
// configuration, plus flow state with -flow), the independent side of the
// comparison; the RTL never sees them except as expectations.
//
// Register events in the middle of the traffic: the bench holds the frame
// stream at a frame boundary, writes a register, and goes on, so the model
// applies the event between the same two frames (docs/spec.md item 15: a
// COMMIT or FLOW_CMD applies to every frame whose first beat is accepted
// after the write):
//
//   - COMMIT of partition 0 at -commit-at (fraction of the frames): before
//     the traffic the bench writes table2.hex into the shadow bank, the
//     model switches to that table there. With -flow, established flows
//     keep their TM (FLOW_STATE), new flows take the new table's TM;
//     vecgen fails when no frame shows the difference.
//   - FLOW_CMD flush TM -flush-tm at -flush-tm-at, flush all at
//     -flush-all-at (ignored by a core without a flow table, and by the
//     model without flow state).
//
// Frames: generated frames that reach every SPEC 2 branch and the 256-byte
// window edges, then the Ethernet-link-type captures of ../shared/traces
// (read with pcapgo; other link types are skipped, up to -per-trace frames
// each). Without ../shared only generated frames are written. With -flow, a
// frame of one of two established TCP connections goes before every third
// frame, so the COMMIT meets established flows with or without captures.
//
// Output files in -out:
//
//	beats.hex   one 80-bit word per beat: {7'b0, tlast, tkeep[7:0], tdata[63:0]}
//	            (frame byte 0 in tdata[7:0]; a zero-length frame is one beat
//	            with tkeep 0 and tlast 1)
//	dec.hex     one 64-bit decision word per frame (host.Decision.Word)
//	tdest.hex   one 10-bit egress tdest per frame: {action, tm}
//	table2.hex  4096 table entries for the COMMIT (values < 16, so they
//	            fit TM_BITS >= 4)
//	meta.hex    32-bit words:
//	              0 beat count, 1 frame count,
//	              2 CTRL.FLOW_EN to write (1 with -flow),
//	              3 flow FLOW_SETS_LOG2, 4 flow FLOW_WAYS (geometry the RTL
//	                must have when word 2 is 1),
//	              5..9 flow counters after the last frame: hits, misses,
//	                inserts, evictions, flushed,
//	              10 frames of reason FLOW_STATE,
//	              11 event count E, then E triples from word 12:
//	                 frame index k (0-based: the write comes before frame
//	                 k's first beat), register address, data
//
// Example:
//
//	go run ./testbench/hdl/vecgen -out build/hdl/vec -per-trace 200
//	go run ./testbench/hdl/vecgen -out build/hdl/vec_flow -flow -flow-sets-log2 10 -flow-ways 4
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/flowsteer/flowsteer/host"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

func main() {
	out := flag.String("out", "build/hdl/vec", "directory for the .hex files")
	shared := flag.String("shared", "", "shared directory (default: $FLOWSTEER_SHARED, else ../shared beside the module root)")
	perTrace := flag.Int("per-trace", 200, "frames taken from each capture at most")
	maxBeats := flag.Int("max-beats", 200000, "stop adding capture frames beyond this many beats")
	seed := flag.Int64("seed", 1, "seed of the generated frames")
	var opt options
	flag.BoolVar(&opt.flow, "flow", false, "flow state on (model) and CTRL.FLOW_EN written (bench)")
	flag.IntVar(&opt.setsLog2, "flow-sets-log2", 10, "flow table sets, log2 (must equal the RTL's FLOW_SETS_LOG2)")
	flag.IntVar(&opt.ways, "flow-ways", 4, "flow table ways (must equal the RTL's FLOW_WAYS)")
	flag.Float64Var(&opt.commitAt, "commit-at", 0.2, "COMMIT of table2 before this fraction of the frames (0 = none)")
	flag.Float64Var(&opt.flushTMAt, "flush-tm-at", 0.6, "FLOW_CMD flush-TM before this fraction of the frames (0 = none)")
	flag.IntVar(&opt.flushTM, "flush-tm", 3, "the TM flushed at -flush-tm-at")
	flag.Float64Var(&opt.flushAllAt, "flush-all-at", 0.8, "FLOW_CMD flush-all before this fraction of the frames (0 = none)")
	flag.BoolVar(&opt.partitions, "partitions", false, "a rule sending port 443 to partition 2, with its own key, written before frame 0 (for DUTs with PARTITIONS >= 3)")
	flag.Parse()
	if err := run(*out, *shared, *perTrace, *maxBeats, *seed, opt); err != nil {
		fmt.Fprintln(os.Stderr, "vecgen:", err)
		os.Exit(1)
	}
}

// options are the flow-state and register-event settings.
type options struct {
	flow, partitions                bool
	setsLog2, ways                  int
	commitAt, flushTMAt, flushAllAt float64
	flushTM                         int
}

// Register addresses the events write (docs/interfaces.md).
const (
	regCommit  = 0x0018
	regFlowCmd = 0x001C
	regRule0   = 0x0060 // RULE(i) = 0x60 + 4i: [21:20] proto, [17:16] partition, [15:0] port
	regKey     = 0x0100 // KEY(p, w) = 0x100 + 0x40p + 4w, key bytes 4w..4w+3 big-endian
)

// partitionPort is the port the -partitions rule sends to partition 2.
const partitionPort = 443

// event is a register write between frame k-1 and frame k (0-based).
type event struct {
	frame      int
	addr, data uint32
}

// table2 is the table the COMMIT installs: values 0..10, unlike the default
// i mod 8 in most entries, so that new flows move and established ones must
// not.
func table2() *[host.TableSize]uint8 {
	var t [host.TableSize]uint8
	for i := range t {
		t[i] = uint8((i*5 + 3) % 11)
	}
	return &t
}

func run(out, shared string, perTrace, maxBeats int, seed int64, opt options) error {
	if perTrace < 0 || maxBeats <= 0 {
		return errors.New("-per-trace must be >= 0 and -max-beats > 0")
	}
	if opt.setsLog2 < 0 || opt.setsLog2 > 15 || opt.ways < 1 || opt.ways > 8 {
		return errors.New("-flow-sets-log2 must be 0..15 and -flow-ways 1..8 (the RTL's limits)")
	}
	if opt.flushTM < 0 || opt.flushTM > 255 {
		return errors.New("-flush-tm must be 0..255")
	}
	for _, f := range []float64{opt.commitAt, opt.flushTMAt, opt.flushAllAt} {
		if f < 0 || f >= 1 {
			return errors.New("-commit-at, -flush-tm-at and -flush-all-at must be in [0, 1)")
		}
	}
	frames, conns := generated(rand.New(rand.NewSource(seed)), opt.partitions)
	nGenerated := len(frames)
	beats := 0
	for _, f := range frames {
		beats += beatsOf(f)
	}
	dir := sharedDir(shared)
	traces := 0
	if dir != "" {
		names, err := filepath.Glob(filepath.Join(dir, "traces", "*"))
		if err != nil {
			return err
		}
		sort.Strings(names)
		for _, name := range names {
			if !strings.HasSuffix(name, ".pcap") && !strings.HasSuffix(name, ".pcapng") && !strings.HasSuffix(name, ".cap") {
				continue
			}
			got, err := readEthernet(name, perTrace)
			if err != nil {
				return err
			}
			if got != nil {
				traces++
			}
			for _, f := range got {
				if beats+beatsOf(f) > maxBeats {
					break
				}
				beats += beatsOf(f)
				frames = append(frames, f)
			}
		}
	} else {
		fmt.Fprintln(os.Stderr, "vecgen: no shared directory, generated frames only")
	}

	if opt.flow {
		// Established connections through the whole stream, so that some
		// outlive the COMMIT in the flow table whatever the captures hold
		// (random frames alone rarely repeat a flow).
		before := len(frames)
		frames = interleave(frames, conns, connEvery)
		nGenerated += len(frames) - before
	}

	cfg := host.DefaultConfig()
	if opt.flow {
		cfg.FlowState = host.FlowStateConfig{Enabled: true, Sets: 1 << opt.setsLog2, Ways: opt.ways}
	}
	var key host.Key // partition 2's key with -partitions
	if opt.partitions {
		rand.New(rand.NewSource(seed + 1000)).Read(key[:])
		cfg.Partitions = append(cfg.Partitions, host.DefaultPartition(), host.PartitionConfig{Key: key})
		cfg.Rules = []host.Rule{{Proto: host.RuleProtoAny, Port: partitionPort, Partition: 2}}
	}
	m, err := host.NewModel(cfg)
	if err != nil {
		return fmt.Errorf("model: %w", err)
	}
	// Events at frame boundaries; frame 0 has no boundary before it (its
	// events are written before the stream starts).
	var events []event
	if opt.partitions {
		events = append(events, event{0, regRule0, uint32(host.RuleProtoAny)<<20 | 2<<16 | partitionPort})
		for w := 0; w < host.KeySize/4; w++ {
			events = append(events, event{0, regKey + 0x40*2 + 4*uint32(w),
				uint32(key[4*w])<<24 | uint32(key[4*w+1])<<16 | uint32(key[4*w+2])<<8 | uint32(key[4*w+3])})
		}
	}
	at := func(frac float64) int { return max(1, int(frac*float64(len(frames)))) }
	if opt.commitAt > 0 {
		events = append(events, event{at(opt.commitAt), regCommit, 1})
	}
	if opt.flushTMAt > 0 {
		events = append(events, event{at(opt.flushTMAt), regFlowCmd, uint32(opt.flushTM)<<8 | 2})
	}
	if opt.flushAllAt > 0 {
		events = append(events, event{at(opt.flushAllAt), regFlowCmd, 1})
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].frame < events[j].frame })
	newTable := table2()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	bw, bf, err := create(filepath.Join(out, "beats.hex"))
	if err != nil {
		return err
	}
	dw, df, err := create(filepath.Join(out, "dec.hex"))
	if err != nil {
		return err
	}
	tw, tf, err := create(filepath.Join(out, "tdest.hex"))
	if err != nil {
		return err
	}
	nbeats := 0
	next := 0
	committed := false
	kept, flowState := 0, 0 // after the commit: FLOW_STATE frames whose TM the new table would change
	for k, f := range frames {
		for ; next < len(events) && events[next].frame == k; next++ {
			e := events[next]
			switch {
			case e.addr == regCommit:
				if err := m.SetTable(0, newTable); err != nil {
					return err
				}
				committed = true
			case e.addr == regFlowCmd && m.Flows() != nil && e.data&1 != 0:
				m.Flows().FlushAll()
			case e.addr == regFlowCmd && m.Flows() != nil && e.data&2 != 0:
				m.Flows().FlushTM(uint8(e.data >> 8))
			}
		}
		d := m.Decide(f)
		if d.Reason == host.ReasonFlowState {
			flowState++
			if committed && d.Partition == 0 && d.TM != newTable[d.Index] {
				kept++
			}
		}
		fmt.Fprintf(dw, "%016x\n", d.Word())
		fmt.Fprintf(tw, "%03x\n", uint16(d.Action)<<8|uint16(d.TM))
		nbeats += writeBeats(bw, f)
	}
	for _, c := range []struct {
		w *bufio.Writer
		f *os.File
	}{{bw, bf}, {dw, df}, {tw, tf}} {
		if err := c.w.Flush(); err != nil {
			return err
		}
		if err := c.f.Close(); err != nil {
			return err
		}
	}
	var tb strings.Builder
	for _, v := range newTable {
		fmt.Fprintf(&tb, "%x\n", v)
	}
	if err := os.WriteFile(filepath.Join(out, "table2.hex"), []byte(tb.String()), 0o644); err != nil {
		return err
	}
	var c host.FlowCounters
	if m.Flows() != nil {
		c = m.Flows().Counters
	}
	words := []uint64{uint64(nbeats), uint64(len(frames)), b2u(opt.flow),
		uint64(opt.setsLog2), uint64(opt.ways),
		c.Hits, c.Misses, c.Inserts, c.Evictions, c.Flushed,
		uint64(flowState), uint64(len(events))}
	for _, e := range events {
		words = append(words, uint64(e.frame), uint64(e.addr), uint64(e.data))
	}
	var mb strings.Builder
	for _, w := range words {
		fmt.Fprintf(&mb, "%08x\n", uint32(w))
	}
	if err := os.WriteFile(filepath.Join(out, "meta.hex"), []byte(mb.String()), 0o644); err != nil {
		return err
	}
	fmt.Printf("vecgen: %d frames (%d from %d captures), %d beats, %d register events -> %s\n",
		len(frames), len(frames)-nGenerated, traces, nbeats, len(events), out)
	if opt.flow {
		fmt.Printf("vecgen: flow state %d x %d: %d hits, %d misses, %d evictions, %d flushed; "+
			"%d FLOW_STATE frames kept their TM across the commit\n",
			1<<opt.setsLog2, opt.ways, c.Hits, c.Misses, c.Evictions, c.Flushed, kept)
		if opt.commitAt > 0 && kept == 0 {
			return errors.New("no established flow kept its TM across the commit: the vectors would not test it (move -commit-at)")
		}
	}
	return nil
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func create(path string) (*bufio.Writer, *os.File, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return bufio.NewWriter(f), f, nil
}

func sharedDir(flagDir string) string {
	for _, d := range []string{flagDir, os.Getenv("FLOWSTEER_SHARED")} {
		if d != "" {
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				return d
			}
		}
	}
	// ../shared beside the module root: walk up to go.mod.
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			s := filepath.Join(filepath.Dir(d), "shared")
			if st, err := os.Stat(s); err == nil && st.IsDir() {
				return s
			}
			return ""
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

func beatsOf(f []byte) int {
	if len(f) == 0 {
		return 1
	}
	return (len(f) + 7) / 8
}

// writeBeats writes the frame as 8-byte beats, byte 0 in the low byte.
func writeBeats(w io.Writer, f []byte) int {
	n := beatsOf(f)
	for b := 0; b < n; b++ {
		var data uint64
		var keep uint8
		for k := 0; k < 8 && 8*b+k < len(f); k++ {
			data |= uint64(f[8*b+k]) << (8 * k)
			keep |= 1 << k
		}
		last := 0
		if b == n-1 {
			last = 1
		}
		fmt.Fprintf(w, "%02x%02x%016x\n", last, keep, data)
	}
	return n
}

// readEthernet returns up to max frames of an Ethernet capture, nil for a
// capture of another link type.
func readEthernet(path string, max int) ([][]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var next func() ([]byte, error)
	var link layers.LinkType
	if r, err := pcapgo.NewReader(fh); err == nil {
		link = r.LinkType()
		next = func() ([]byte, error) { d, _, err := r.ReadPacketData(); return d, err }
	} else {
		if _, err := fh.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		r, err := pcapgo.NewNgReader(fh, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			return nil, fmt.Errorf("%s: neither pcap nor pcapng: %v", filepath.Base(path), err)
		}
		link = r.LinkType()
		next = func() ([]byte, error) { d, _, err := r.ReadPacketData(); return d, err }
	}
	if link != layers.LinkTypeEthernet {
		return nil, nil
	}
	var frames [][]byte
	for len(frames) < max {
		d, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			// A truncated capture ends the file; what was read is kept.
			break
		}
		frames = append(frames, append([]byte(nil), d...))
	}
	return frames, nil
}

// connEvery: with -flow, one frame in connEvery is a frame of an
// established connection (generated's conns, in turn).
const connEvery = 3

// interleave puts conns[0], conns[1], ... (round robin) before every
// every-th frame of frames.
func interleave(frames, conns [][]byte, every int) [][]byte {
	out := make([][]byte, 0, len(frames)+len(frames)/every+1)
	for i, f := range frames {
		if i%every == 0 && len(conns) > 0 {
			out = append(out, conns[(i/every)%len(conns)])
		}
		out = append(out, f)
	}
	return out
}

// generated returns frames that reach every SPEC 2 branch, the 256-byte
// window and the beat boundaries, plus random mutations of them; and conns,
// frames of two TCP connections, each in both directions (the same flow
// to the model: the client side is the one with the larger port).
func generated(rng *rand.Rand, partitions bool) (frames, conns [][]byte) {
	var fs [][]byte
	mac := []byte{0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2}
	eth := func(etype uint16, payload []byte) []byte {
		f := append(append([]byte(nil), mac...), byte(etype>>8), byte(etype))
		return append(f, payload...)
	}
	pad := func(f []byte, n int) []byte {
		for len(f) < n {
			f = append(f, byte(rng.Intn(256)))
		}
		return f
	}
	ipv4 := func(proto byte, frag uint16, src, dst [4]byte, l4 []byte) []byte {
		h := []byte{0x45, 0, 0, 0, 0, 0, byte(frag >> 8), byte(frag), 64, proto, 0, 0}
		h = append(h, src[:]...)
		h = append(h, dst[:]...)
		tl := len(h) + len(l4)
		h[2], h[3] = byte(tl>>8), byte(tl)
		return append(h, l4...)
	}
	ipv6 := func(next byte, src, dst [16]byte, rest []byte) []byte {
		h := []byte{0x60, 0, 0, 0, byte(len(rest) >> 8), byte(len(rest)), next, 64}
		h = append(h, src[:]...)
		h = append(h, dst[:]...)
		return append(h, rest...)
	}
	ports := func(s, d uint16) []byte {
		return []byte{byte(s >> 8), byte(s), byte(d >> 8), byte(d), 0, 0, 0, 0}
	}
	r4 := func() [4]byte { var a [4]byte; rng.Read(a[:]); return a }
	r16 := func() [16]byte { var a [16]byte; rng.Read(a[:]); return a }

	// Every length 0..20 (CONTROL/MALFORMED and truncated headers).
	for n := 0; n <= 20; n++ {
		fs = append(fs, pad(nil, n))
	}
	for i := 0; i < 40; i++ {
		s, d := uint16(rng.Intn(65536)), uint16(rng.Intn(65536))
		switch i % 4 {
		case 0:
			d = s // EQUAL_PORTS
		case 1:
			s, d = 80, uint16(1024+rng.Intn(60000))
		}
		proto := byte(6)
		if i%2 == 1 {
			proto = 17
		}
		fs = append(fs, eth(0x0800, ipv4(proto, 0, r4(), r4(), ports(s, d))))
		fs = append(fs, eth(0x86dd, ipv6(proto, r16(), r16(), ports(s, d))))
		fs = append(fs, pad(eth(0x0800, ipv4(proto, 0, r4(), r4(), ports(s, d))), 60+rng.Intn(1500)))
	}
	// NON_L4 both orders, equal addresses, IPv6 too.
	for i := 0; i < 20; i++ {
		a, b := r4(), r4()
		if i%5 == 0 {
			b = a
		}
		fs = append(fs, eth(0x0800, ipv4(1, 0, a, b, pad(nil, 8))))
		fs = append(fs, eth(0x86dd, ipv6(58, r16(), r16(), pad(nil, 8))))
	}
	// Fragments, atomic fragments, extension headers, VLAN stacks.
	for i := 0; i < 10; i++ {
		fs = append(fs, eth(0x0800, ipv4(6, 0x2000, r4(), r4(), ports(1, 2))))       // MF
		fs = append(fs, eth(0x0800, ipv4(17, uint16(1+i), r4(), r4(), ports(1, 2)))) // offset
		frag := []byte{6, 0, 0, 0, 0, 0, 0, 1}
		fs = append(fs, eth(0x86dd, ipv6(44, r16(), r16(), append(frag, ports(uint16(i), 7)...)))) // atomic
		fs = append(fs, eth(0x86dd, ipv6(44, r16(), r16(), append([]byte{17, 0, 0, 8, 0, 0, 0, 1}, ports(1, 2)...))))
		hbh := []byte{60, 0, 1, 4, 0, 0, 0, 0}
		dst := []byte{17, 1, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
		fs = append(fs, eth(0x86dd, ipv6(0, r16(), r16(), append(append(hbh, dst...), ports(5353, uint16(i))...))))
		tag := []byte{0, byte(i), 0x08, 0x00}
		fs = append(fs, eth(0x8100, append(tag, ipv4(6, 0, r4(), r4(), ports(443, 50000))...)))
		fs = append(fs, eth(0x88a8, append([]byte{0, 1, 0x81, 0x00, 0, 2, 0x86, 0xdd}, ipv6(17, r16(), r16(), ports(53, 53))...)))
		fs = append(fs, eth(0x8100, []byte{0, 1, 0x91, 0x00, 0, 2, 0x81, 0x00, 0, 3, 0x08, 0x00})) // third tag
		fs = append(fs, eth(0x0806, pad(nil, 28)))                                                 // NOT_IP
	}
	// Extension-header chains that end near and beyond byte 256.
	for n := 1; n <= 9; n++ {
		var rest []byte
		for k := 0; k < n; k++ {
			nxt := byte(60)
			if k == n-1 {
				nxt = 6
			}
			rest = append(rest, nxt, 2, 0, 0, 0, 0, 0, 0)
			rest = pad(rest, len(rest)+16)
		}
		rest = append(rest, ports(uint16(1000+n), 80)...)
		fs = append(fs, eth(0x86dd, ipv6(60, r16(), r16(), rest)))
		fs = append(fs, pad(eth(0x86dd, ipv6(60, r16(), r16(), rest)), 300))
	}
	// Minimum-length hashed frames back to back (5 beats: IPv4 with only the
	// ports, NON_L4 with no payload): the closest a chunked hash unit is
	// ever asked for two hashes (HASH_CHUNKS <= 5).
	for i := 0; i < 24; i++ {
		if i%2 == 0 {
			fs = append(fs, eth(0x0800, ipv4(6, 0, r4(), r4(), ports(uint16(rng.Intn(65536)), uint16(rng.Intn(65536)))[:4])))
		} else {
			fs = append(fs, eth(0x0800, ipv4(byte(1+rng.Intn(5)), 0, r4(), r4(), nil)))
		}
	}
	// With -partitions: port-443 frames (partition 2), each followed at
	// once by one to four one-beat runts (partition 0): a chunked hash unit
	// is still reading the 443 frame's key while the runts are classified.
	// (Only then, so that the other vector sets keep their frame positions.)
	for i := 0; partitions && i < 24; i++ {
		s, d := uint16(443), uint16(1024+rng.Intn(60000))
		if i%2 == 1 {
			s, d = d, s
		}
		if i%3 == 2 {
			fs = append(fs, eth(0x86dd, ipv6(6, r16(), r16(), ports(s, d))))
		} else {
			fs = append(fs, eth(0x0800, ipv4(6, 0, r4(), r4(), ports(s, d)[:4])))
		}
		for k := 0; k <= i%4; k++ {
			fs = append(fs, pad(nil, 1+rng.Intn(8)))
		}
	}
	// Random mutations of everything above (bit flips in the first 64 bytes).
	base := len(fs)
	for i := 0; i < 200; i++ {
		f := append([]byte(nil), fs[rng.Intn(base)]...)
		if len(f) == 0 {
			continue
		}
		for k := 0; k < 1+rng.Intn(3); k++ {
			p := rng.Intn(min(len(f), 64))
			f[p] ^= 1 << rng.Intn(8)
		}
		fs = append(fs, f)
	}
	for i := 0; i < 2; i++ {
		a, b := r4(), r4()
		client := uint16(40000 + rng.Intn(20000))
		conns = append(conns, eth(0x0800, ipv4(6, 0, a, b, ports(client, 443))),
			eth(0x0800, ipv4(6, 0, b, a, ports(443, client))))
	}
	return fs, conns
}
