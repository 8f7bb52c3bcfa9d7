// Command gen writes $readmemh vector sets for the fs_parser unit bench
// (testbench/parser/tb_fs_parser.v): random and adversarial frames covering
// the corner cases of SPEC section 2 steps 1-8, systematic truncations, and
// the Ethernet captures in ../shared/traces. Expected results come from
// ref.go, a small independent implementation of the SPEC text.
//
// Usage:
//
//	go run ./testbench/parser/gen -out build/parser -seed 1 -n 20000
//
// Each set <name> is three files: <name>.cfg.hex (promisc, MAC valid bits,
// the 192-bit cfg_mac bus, number of beats, number of frames),
// <name>.beats.hex (one line per beat: last, keep, data; lanes beyond keep
// hold garbage on purpose) and <name>.exp.hex (one line per frame: action,
// reason, proto, src port, dst port, src address, dst address).
// sets.txt lists the set names.
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

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

func main() {
	out := flag.String("out", "build/parser", "output directory")
	seed := flag.Int64("seed", 1, "random seed")
	n := flag.Int("n", 20000, "random frames per random set")
	shared := flag.String("shared", "", "shared directory with traces/ (default $FLOWSTEER_SHARED, else ../shared beside the repo)")
	perFile := flag.Int("trace-per-file", 3000, "at most this many distinct frames per capture")
	maxLen := flag.Int("trace-max-len", 320, "cut trace frames to this many bytes (the parser reads 256)")
	flag.Parse()
	if err := run(*out, *seed, *n, *shared, *perFile, *maxLen); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type vecSet struct {
	name   string
	cfg    config
	frames [][]byte
}

func run(out string, seed int64, n int, shared string, perFile, maxLen int) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	r := rand.New(rand.NewSource(seed))
	var sets []vecSet

	promisc := config{Promisc: true}
	filtered := config{}
	for i := range filtered.MACs {
		r.Read(filtered.MACs[i][:])
	}
	filtered.MACs[0] = [6]byte{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}
	filtered.MACValid = [4]bool{true, false, true, false} // slots 1, 3 hold MACs that must not match

	sets = append(sets, vecSet{"rand_promisc", promisc, randomFrames(r, n, filtered)})
	sets = append(sets, vecSet{"rand_filtered", filtered, randomFrames(r, n/2, filtered)})
	sets = append(sets, vecSet{"truncations", promisc, truncations(r)})
	sets = append(sets, vecSet{"mutations", promisc, mutatedFrames(r, n/2, filtered)})

	dir := shared
	if dir == "" {
		dir = os.Getenv("FLOWSTEER_SHARED")
	}
	if dir == "" {
		dir = defaultShared()
	}
	traces, macs, err := traceFrames(filepath.Join(dir, "traces"), perFile, maxLen)
	switch {
	case err != nil && errors.Is(err, os.ErrNotExist):
		fmt.Fprintf(os.Stderr, "gen: no traces under %s, trace sets skipped\n", dir)
	case err != nil:
		return err
	default:
		sets = append(sets, vecSet{"traces_promisc", promisc, traces})
		tcfg := config{}
		for i := 0; i < 4 && i < len(macs); i++ {
			tcfg.MACs[i] = macs[i]
			tcfg.MACValid[i] = i != 2 // a configured but invalid slot must not match
		}
		sets = append(sets, vecSet{"traces_filtered", tcfg, traces})
	}

	var names []string
	for _, s := range splitSets(sets) {
		if err := writeSet(out, r, &s); err != nil {
			return err
		}
		names = append(names, s.name)
	}
	return os.WriteFile(filepath.Join(out, "sets.txt"), []byte(strings.Join(names, "\n")+"\n"), 0o644)
}

// The bench's memories hold maxBeats beats and maxFrames frames
// (tb_fs_parser.v MAXB, MAXF); larger sets are cut into parts.
const (
	maxBeats  = 1<<20 - 1
	maxFrames = 1<<17 - 1
)

func beatsOf(f []byte) int {
	if len(f) == 0 {
		return 1
	}
	return (len(f) + 7) / 8
}

func splitSets(sets []vecSet) []vecSet {
	var out []vecSet
	for _, s := range sets {
		var parts []vecSet
		start, beats := 0, 0
		for i, f := range s.frames {
			if i-start == maxFrames || beats+beatsOf(f) > maxBeats {
				parts = append(parts, vecSet{cfg: s.cfg, frames: s.frames[start:i]})
				start, beats = i, 0
			}
			beats += beatsOf(f)
		}
		parts = append(parts, vecSet{cfg: s.cfg, frames: s.frames[start:]})
		for i := range parts {
			parts[i].name = s.name
			if len(parts) > 1 {
				parts[i].name = fmt.Sprintf("%s_%d", s.name, i)
			}
		}
		out = append(out, parts...)
	}
	return out
}

// defaultShared is ../shared beside the repository root, found by walking up
// to go.mod.
func defaultShared() string {
	wd, err := os.Getwd()
	if err != nil {
		return "../shared"
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared")
		}
		if filepath.Dir(d) == d {
			return "../shared"
		}
	}
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

func writeSet(out string, r *rand.Rand, s *vecSet) error {
	base := filepath.Join(out, s.name)
	bf, err := os.Create(base + ".beats.hex")
	if err != nil {
		return err
	}
	defer bf.Close()
	ef, err := os.Create(base + ".exp.hex")
	if err != nil {
		return err
	}
	defer ef.Close()
	bw, ew := bufio.NewWriter(bf), bufio.NewWriter(ef)
	beats := 0
	for _, f := range s.frames {
		beats += writeBeats(bw, r, f)
		res := classify(f, s.cfg)
		fmt.Fprintf(ew, "%x%x%02x%04x%04x%x%x\n", res.Action, res.Reason, res.Proto,
			res.SrcPort, res.DstPort, res.Src[:], res.Dst[:])
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := ew.Flush(); err != nil {
		return err
	}
	var macBus strings.Builder
	macValid := 0
	for i := 3; i >= 0; i-- {
		fmt.Fprintf(&macBus, "%x", s.cfg.MACs[i][:])
		if s.cfg.MACValid[i] {
			macValid |= 1 << i
		}
	}
	p := 0
	if s.cfg.Promisc {
		p = 1
	}
	cfg := fmt.Sprintf("%x\n%x\n%s\n%x\n%x\n", p, macValid, macBus.String(), beats, len(s.frames))
	fmt.Printf("gen: %-16s %7d frames %8d beats\n", s.name, len(s.frames), beats)
	return os.WriteFile(base+".cfg.hex", []byte(cfg), 0o644)
}

// writeBeats writes one frame as 64-bit beats: "L KK DDDDDDDDDDDDDDDD",
// last flag, keep, data with frame byte k of the beat in bits [8k+7:8k].
// Lanes beyond keep get random garbage, which the parser must ignore.
func writeBeats(w io.Writer, r *rand.Rand, f []byte) int {
	n := 0
	for off := 0; off == 0 || off < len(f); off += 8 {
		var data uint64 = r.Uint64()
		keep := 0
		for k := 0; k < 8 && off+k < len(f); k++ {
			data &^= 0xff << (8 * k)
			data |= uint64(f[off+k]) << (8 * k)
			keep |= 1 << k
		}
		last := 0
		if off+8 >= len(f) {
			last = 1
		}
		fmt.Fprintf(w, "%x%02x%016x\n", last, keep, data)
		n++
	}
	return n
}

// ---------------------------------------------------------------------------
// Frame building
// ---------------------------------------------------------------------------

func put16(b []byte, v uint16) []byte { return append(b, byte(v>>8), byte(v)) }

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	r.Read(b)
	return b
}

// pick returns one of the values, all equally likely.
func pick[T any](r *rand.Rand, v ...T) T { return v[r.Intn(len(v))] }

var tpids = []uint16{0x8100, 0x88a8, 0x9100}

// ethHeader builds destination, source, tags and EtherType.
func ethHeader(r *rand.Rand, dst [6]byte, tags int, et uint16) []byte {
	f := append([]byte{}, dst[:]...)
	f = append(f, randBytes(r, 6)...)
	for i := 0; i < tags; i++ {
		f = put16(f, pick(r, tpids...))
		f = put16(f, uint16(r.Intn(4096)))
	}
	return put16(f, et)
}

func l4Header(r *rand.Rand, proto byte) []byte {
	sp, dp := uint16(r.Intn(65536)), uint16(r.Intn(65536))
	switch r.Intn(6) {
	case 0:
		dp = sp
	case 1:
		sp, dp = pick(r, uint16(53), 80, 443, 0, 65535), uint16(r.Intn(1024))
	}
	h := put16(nil, sp)
	h = put16(h, dp)
	if proto == 6 {
		return append(h, randBytes(r, 16)...)
	}
	return append(h, randBytes(r, 4)...)
}

func randomProto(r *rand.Rand) byte {
	if r.Intn(4) != 0 {
		return pick(r, byte(6), 17)
	}
	return pick(r, byte(1), 58, 59, 50, 47, 132, 0, 43, 44, 51, 60, byte(r.Intn(256)))
}

func ipv4Packet(r *rand.Rand) []byte {
	ihl := 5
	switch r.Intn(8) {
	case 0:
		ihl = 6 + r.Intn(10)
	case 1:
		ihl = r.Intn(16)
	}
	proto := randomProto(r)
	payload := l4Header(r, proto)
	payload = append(payload, randBytes(r, r.Intn(40))...)
	if r.Intn(20) == 0 {
		payload = append(payload, randBytes(r, 200+r.Intn(1300))...)
	}
	hdrBytes := ihl * 4
	if hdrBytes < 20 {
		hdrBytes = 20
	}
	total := hdrBytes + len(payload)
	switch r.Intn(10) {
	case 0:
		total = r.Intn(65536)
	case 1:
		total = r.Intn(ihl*4 + 1) // at or below the header length
	}
	verIHL := byte(4<<4 | ihl)
	if r.Intn(15) == 0 {
		verIHL = byte(r.Intn(16)<<4 | ihl)
	}
	var flagsFrag uint16
	switch r.Intn(8) {
	case 0:
		flagsFrag = 0x2000 // MF
	case 1:
		flagsFrag = uint16(1 + r.Intn(0x1fff)) // offset
	case 2:
		flagsFrag = 0x4000 // DF only: not a fragment
	case 3:
		flagsFrag = 0x8000 // reserved bit only: not a fragment
	case 4:
		flagsFrag = uint16(r.Intn(65536))
	}
	h := []byte{verIHL, byte(r.Intn(256))}
	h = put16(h, uint16(total))
	h = put16(h, uint16(r.Intn(65536)))
	h = put16(h, flagsFrag)
	h = append(h, byte(r.Intn(256)), proto)
	h = put16(h, uint16(r.Intn(65536))) // checksum, never checked
	h = append(h, randBytes(r, 8)...)   // addresses
	h = append(h, randBytes(r, hdrBytes-20)...)
	return append(h, payload...)
}

func ipv6Packet(r *rand.Rand) []byte {
	var chain []byte // extension header types in order
	switch r.Intn(4) {
	case 0:
	case 1:
		for i := r.Intn(3); i >= 0; i-- {
			chain = append(chain, pick(r, byte(0), 43, 60, 44, 51))
		}
	default:
		for i := r.Intn(11); i > 0; i-- {
			chain = append(chain, pick(r, byte(0), 43, 60, 44, 51))
		}
	}
	proto := randomProto(r)
	var body []byte
	for i, typ := range chain {
		next := proto
		if i+1 < len(chain) {
			next = chain[i+1]
		}
		var hlen byte
		switch r.Intn(10) {
		case 0:
			hlen = byte(r.Intn(256))
		case 1, 2:
			hlen = byte(1 + r.Intn(4))
		}
		var size int
		h := []byte{next, hlen}
		switch typ {
		case 44:
			size = 8
			var fo uint16
			switch r.Intn(5) {
			case 0:
				fo = 1 // M
			case 1:
				fo = uint16(r.Intn(8192)) << 3
			case 2:
				fo = uint16(r.Intn(65536))
			}
			h = put16(h, fo^uint16(r.Intn(2))<<1) // reserved bits are ignored
		case 51:
			size = (int(hlen) + 2) * 4
			h = append(h, randBytes(r, 2)...)
		default:
			size = (int(hlen) + 1) * 8
			h = append(h, randBytes(r, 2)...)
		}
		h = append(h, randBytes(r, size-4)...)
		body = append(body, h...)
	}
	body = append(body, l4Header(r, proto)...)
	body = append(body, randBytes(r, r.Intn(40))...)
	ver := byte(6)
	if r.Intn(15) == 0 {
		ver = byte(r.Intn(16))
	}
	h := []byte{ver<<4 | byte(r.Intn(16)), byte(r.Intn(256)), byte(r.Intn(256)), byte(r.Intn(256))}
	h = put16(h, uint16(len(body)))
	first := proto
	if len(chain) > 0 {
		first = chain[0]
	}
	h = append(h, first, byte(r.Intn(256)))
	h = append(h, randBytes(r, 32)...)
	return append(h, body...)
}

func randomDst(r *rand.Rand, cfg config) [6]byte {
	switch r.Intn(4) {
	case 0:
		var d [6]byte
		r.Read(d[:])
		return d
	case 1:
		return [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	default:
		return cfg.MACs[r.Intn(4)] // valid and invalid slots
	}
}

func randomFrame(r *rand.Rand, cfg config) []byte {
	tags := pick(r, 0, 0, 0, 1, 1, 2, 2, 3, 4)
	var f []byte
	switch k := r.Intn(20); {
	case k < 8:
		f = append(ethHeader(r, randomDst(r, cfg), tags, 0x0800), ipv4Packet(r)...)
	case k < 16:
		f = append(ethHeader(r, randomDst(r, cfg), tags, 0x86dd), ipv6Packet(r)...)
	case k < 18:
		et := pick(r, uint16(0x0806), 0x88cc, 0x8847, 0x8864, 0x0026, 0x8101, 0x86dc, uint16(r.Intn(65536)))
		f = append(ethHeader(r, randomDst(r, cfg), tags, et), randBytes(r, r.Intn(80))...)
	default:
		f = append(ethHeader(r, randomDst(r, cfg), tags, pick(r, uint16(0x0800), 0x86dd)), randBytes(r, r.Intn(120))...)
	}
	switch r.Intn(10) {
	case 0, 1, 2:
		f = f[:r.Intn(len(f)+1)] // snaplen cut anywhere
	case 3:
		f = f[:min(r.Intn(20), len(f))] // runts
	case 4:
		for len(f) < 60 {
			f = append(f, 0) // Ethernet padding: ports may be read from it
		}
	}
	return f
}

func randomFrames(r *rand.Rand, n int, cfg config) [][]byte {
	frames := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		frames = append(frames, randomFrame(r, cfg))
	}
	return frames
}

// edgeBytes are byte values that sit on SPEC 2 decision edges: TPID and
// EtherType halves, IP version/IHL nibbles, protocol and next-header
// numbers (TCP, UDP, the extension headers, 50, 59), MF / offset bits,
// small and large lengths.
var edgeBytes = []byte{0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x08, 0x11, 0x1f, 0x20, 0x2b, 0x2c,
	0x32, 0x33, 0x3b, 0x3c, 0x3d, 0x40, 0x44, 0x45, 0x46, 0x4f, 0x60, 0x65, 0x81, 0x86, 0x88,
	0x91, 0xa8, 0xdd, 0xfe, 0xff}

// mutate changes 1-4 bytes of a copy of f, mostly where the parser looks
// (the first 96 bytes), to edge values or random ones, and sometimes cuts
// it: well-formed frames one step away from every decision edge.
func mutate(r *rand.Rand, f []byte) []byte {
	g := append([]byte{}, f...)
	for k := 1 + r.Intn(4); k > 0 && len(g) > 0; k-- {
		pos := r.Intn(len(g))
		if r.Intn(4) != 0 {
			pos = r.Intn(min(len(g), 96))
		}
		if r.Intn(3) != 0 {
			g[pos] = pick(r, edgeBytes...)
		} else {
			g[pos] = byte(r.Intn(256))
		}
	}
	if r.Intn(4) == 0 {
		g = g[:r.Intn(len(g)+1)]
	}
	return g
}

func mutatedFrames(r *rand.Rand, n int, cfg config) [][]byte {
	frames := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		frames = append(frames, mutate(r, randomFrame(r, cfg)))
	}
	return frames
}

// truncations: hand-built templates for the edges of SPEC 2, each cut at
// every length from 0 to its full length.
func truncations(r *rand.Rand) [][]byte {
	dst := [6]byte{0x02, 0, 0, 0, 0, 1}
	tcp := []byte{0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0}
	v4 := func(ihl int, proto byte) []byte {
		h := []byte{byte(0x40 | ihl), 0, 0, byte(ihl*4 + len(tcp)), 0, 0, 0x40, 0, 64, proto, 0, 0,
			10, 0, 0, 1, 10, 0, 0, 2}
		h = append(h, randBytes(r, ihl*4-20)...)
		return append(h, tcp...)
	}
	v6 := func(exts []byte, lens []byte, proto byte) []byte {
		h := []byte{0x60, 0, 0, 0, 0, 0, proto, 64}
		if len(exts) > 0 {
			h[6] = exts[0]
		}
		h = append(h, randBytes(r, 32)...)
		for i, t := range exts {
			next := proto
			if i+1 < len(exts) {
				next = exts[i+1]
			}
			size := (int(lens[i]) + 1) * 8
			if t == 51 {
				size = (int(lens[i]) + 2) * 4
			}
			if t == 44 {
				size = 8
			}
			e := []byte{next, lens[i], 0, 0}
			e = append(e, randBytes(r, size-4)...)
			h = append(h, e...)
		}
		return append(h, tcp...)
	}
	var templates [][]byte
	for tags := 0; tags <= 3; tags++ {
		templates = append(templates,
			append(ethHeader(r, dst, tags, 0x0800), v4(5, 6)...),
			append(ethHeader(r, dst, tags, 0x0800), v4(15, 17)...),
			append(ethHeader(r, dst, tags, 0x86dd), v6(nil, nil, 6)...),
			append(ethHeader(r, dst, tags, 0x86dd), v6([]byte{51, 44}, []byte{0, 0}, 17)...),
			append(ethHeader(r, dst, tags, 0x86dd), v6([]byte{0, 43, 60, 44, 51, 0, 60, 43}, []byte{0, 1, 0, 0, 1, 0, 2, 0}, 6)...),
			append(ethHeader(r, dst, tags, 0x86dd), v6([]byte{0, 43, 60, 44, 51, 0, 60, 43, 60}, []byte{0, 0, 0, 0, 0, 0, 0, 0, 0}, 6)...),
		)
	}
	// Ports and extension headers around byte 256: the first extension
	// header starts at 54 (no tags); a hop-by-hop header of 8*(len+1) bytes
	// puts the next item anywhere on the 8-byte grid, AH on the 4-byte grid.
	for skip := 150; skip <= 220; skip += 4 {
		hbh := byte(skip/8 - 1)
		templates = append(templates,
			append(ethHeader(r, dst, 0, 0x86dd), v6([]byte{0}, []byte{hbh}, 6)...),
			append(ethHeader(r, dst, 0, 0x86dd), v6([]byte{0, 51}, []byte{hbh, byte(r.Intn(3))}, 17)...),
			append(ethHeader(r, dst, 1, 0x86dd), v6([]byte{51}, []byte{byte(skip/4 - 2)}, 6)...),
			append(ethHeader(r, dst, 2, 0x86dd), v6([]byte{51, 60}, []byte{byte(skip/4 - 2), 0}, 6)...),
		)
	}
	var frames [][]byte
	for _, t := range templates {
		for cut := 0; cut <= len(t); cut++ {
			frames = append(frames, append([]byte{}, t[:cut]...))
		}
	}
	return frames
}

// ---------------------------------------------------------------------------
// Captures
// ---------------------------------------------------------------------------

// traceFrames reads every Ethernet capture (other link types are skipped:
// their conversion is not the parser's business), keeps at most perFile
// distinct frames per file cut to maxLen bytes, and returns them with the
// most common destination MACs.
func traceFrames(dir string, perFile, maxLen int) ([][]byte, [][6]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	var frames [][]byte
	macCount := map[[6]byte]int{}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".pcap") && !strings.HasSuffix(name, ".pcapng") && !strings.HasSuffix(name, ".cap") {
			continue
		}
		got, err := readEthernet(filepath.Join(dir, name))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		seen := map[string]bool{}
		kept := 0
		for _, f := range got {
			if len(f) > maxLen {
				f = f[:maxLen]
			}
			if seen[string(f)] || kept >= perFile {
				continue
			}
			seen[string(f)] = true
			kept++
			frames = append(frames, f)
			if len(f) >= 6 {
				macCount[[6]byte(f[:6])]++
			}
		}
	}
	macs := make([][6]byte, 0, len(macCount))
	for m := range macCount {
		macs = append(macs, m)
	}
	sort.Slice(macs, func(i, j int) bool {
		if macCount[macs[i]] != macCount[macs[j]] {
			return macCount[macs[i]] > macCount[macs[j]]
		}
		return string(macs[i][:]) < string(macs[j][:])
	})
	return frames, macs, nil
}

func readEthernet(path string) ([][]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var magic [4]byte
	if _, err := io.ReadFull(fh, magic[:]); err != nil {
		return nil, err
	}
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	var frames [][]byte
	if magic == [4]byte{0x0a, 0x0d, 0x0d, 0x0a} {
		ng, err := pcapgo.NewNgReader(fh, pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			return nil, err
		}
		for {
			data, ci, err := ng.ReadPacketData()
			if err == io.EOF {
				return frames, nil
			}
			if err != nil {
				return frames, nil // a damaged tail ends the file for this bench
			}
			intf, err := ng.Interface(ci.InterfaceIndex)
			if err == nil && intf.LinkType == layers.LinkTypeEthernet {
				frames = append(frames, append([]byte{}, data...))
			}
		}
	}
	pr, err := pcapgo.NewReader(fh)
	if err != nil {
		return nil, err
	}
	if pr.LinkType() != layers.LinkTypeEthernet {
		return nil, nil
	}
	for {
		data, _, err := pr.ReadPacketData()
		if err == io.EOF {
			return frames, nil
		}
		if err != nil {
			return frames, nil
		}
		frames = append(frames, append([]byte{}, data...))
	}
}
