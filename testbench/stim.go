package testbench

import (
	"encoding/binary"
	"math/rand/v2"

	"github.com/flowsteer/flowsteer/host"
)

// Gen makes stimulus: random frames with valid Ethernet/IP skeletons,
// adversarial frames aimed at every SPEC 2 step and boundary, and mutations
// of real frames. It draws addresses and ports from small pools so that
// flows repeat (flow state hits, both directions of a conversation) and the
// configuration's rules and MACs are hit. Deterministic for a seed.
type Gen struct {
	r     *rand.Rand
	macs  [][6]byte // destination MACs the configuration accepts (may be empty)
	ports []uint16  // rule ports, to hit partitions 1..3
	addr4 [][4]byte
	addr6 [][16]byte
}

// NewGen makes a generator whose frames fit cfg (its group MACs and rule
// ports are used often).
func NewGen(seed uint64, cfg *host.Config) *Gen {
	g := &Gen{r: rand.New(rand.NewPCG(seed, 0x5eed)), macs: append([][6]byte(nil), cfg.GroupMACs...)}
	for _, r := range cfg.Rules {
		g.ports = append(g.ports, r.Port)
	}
	g.ports = append(g.ports, 80, 443, 53, 0, 1, 65535)
	for i := 0; i < 24; i++ {
		var a [4]byte
		binary.BigEndian.PutUint32(a[:], g.r.Uint32())
		g.addr4 = append(g.addr4, a)
		var b [16]byte
		for j := range b {
			b[j] = byte(g.r.Uint32())
		}
		g.addr6 = append(g.addr6, b)
	}
	return g
}

// Rand is the generator's random source (for tests that want more draws in
// the same deterministic stream).
func (g *Gen) Rand() *rand.Rand { return g.r }

func (g *Gen) chance(pct int) bool { return g.r.IntN(100) < pct }

func (g *Gen) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	return b
}

func (g *Gen) dstMAC() []byte {
	switch {
	case len(g.macs) > 0 && g.chance(80):
		m := g.macs[g.r.IntN(len(g.macs))]
		return m[:]
	case g.chance(30):
		return []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	}
	return g.bytes(6)
}

func (g *Gen) port() uint16 {
	if g.chance(50) {
		return g.ports[g.r.IntN(len(g.ports))]
	}
	return uint16(g.r.Uint32())
}

var tpids = []uint16{0x8100, 0x88a8, 0x9100}

// Random makes one random frame: an Ethernet header with 0..3 VLAN tags,
// mostly IPv4 or IPv6 (with extension headers), mostly TCP or UDP, random
// payload, and now and then a cut or a corrupted field.
func (g *Gen) Random() []byte {
	f := append([]byte{}, g.dstMAC()...)
	f = append(f, g.bytes(6)...)
	tags := 0
	switch x := g.r.IntN(100); {
	case x < 15:
		tags = 1
	case x < 21:
		tags = 2
	case x < 23:
		tags = 3
	}
	for i := 0; i < tags; i++ {
		f = be16(f, tpids[g.r.IntN(len(tpids))])
		f = be16(f, uint16(g.r.Uint32()))
	}
	switch x := g.r.IntN(100); {
	case x < 50:
		f = be16(f, 0x0800)
		f = g.ipv4(f)
	case x < 88:
		f = be16(f, 0x86dd)
		f = g.ipv6(f)
	case x < 94:
		f = be16(f, []uint16{0x0806, 0x88cc, 0x8847, 0x0000, 0x05dc}[g.r.IntN(5)])
		f = append(f, g.bytes(28+g.r.IntN(40))...)
	default:
		f = append(f, g.bytes(g.r.IntN(80))...)
	}
	if g.chance(8) { // cut anywhere: exercises every "beyond the captured bytes"
		f = f[:g.r.IntN(len(f)+1)]
	}
	return f
}

func (g *Gen) l4proto() uint8 {
	switch x := g.r.IntN(100); {
	case x < 45:
		return host.ProtoTCP
	case x < 88:
		return host.ProtoUDP
	}
	return []uint8{1, 47, 50, 58, 59, 132, 255}[g.r.IntN(7)]
}

// l4 appends ports (equal now and then) and a payload.
func (g *Gen) l4(f []byte, proto uint8) []byte {
	if proto == host.ProtoTCP || proto == host.ProtoUDP {
		s, d := g.port(), g.port()
		if g.chance(5) {
			d = s
		}
		f = be16(be16(f, s), d)
		hdr := 16 // rest of a TCP header
		if proto == host.ProtoUDP {
			hdr = 4
		}
		f = append(f, g.bytes(hdr)...)
	}
	return append(f, g.bytes(g.r.IntN(64)+g.r.IntN(2)*g.r.IntN(1200))...)
}

func (g *Gen) ipv4(f []byte) []byte {
	ihl := 5
	if g.chance(15) {
		ihl = 6 + g.r.IntN(10)
	}
	h := g.bytes(ihl * 4)
	h[0] = 0x40 | byte(ihl)
	proto := g.l4proto()
	h[9] = proto
	flags := uint16(0)
	switch x := g.r.IntN(100); {
	case x < 50:
		flags = 0x4000 // DF
	case x < 55:
		flags = 0x2000 // MF
	case x < 60:
		flags = uint16(1 + g.r.IntN(0x1fff))
	}
	binary.BigEndian.PutUint16(h[6:], flags)
	copy(h[12:16], g.addr4[g.r.IntN(len(g.addr4))][:])
	copy(h[16:20], g.addr4[g.r.IntN(len(g.addr4))][:])
	if g.chance(3) {
		h[0] = byte(g.r.IntN(16))<<4 | byte(g.r.IntN(16)) // broken version/IHL
	}
	f = append(f, h...)
	start := len(f) - ihl*4
	f = g.l4(f, proto)
	total := len(f) - start
	if g.chance(5) {
		total = g.r.IntN(ihl*4 + 4) // short total length, sometimes below IHL*4
	}
	binary.BigEndian.PutUint16(f[start+2:], uint16(total))
	return f
}

var extKinds = []uint8{0, 43, 60, 44, 51}

func (g *Gen) ipv6(f []byte) []byte {
	h := g.bytes(40)
	h[0] = 0x60 | h[0]&0x0f
	if g.chance(2) {
		h[0] = byte(g.r.IntN(16)) << 4
	}
	copy(h[8:24], g.addr6[g.r.IntN(len(g.addr6))][:])
	copy(h[24:40], g.addr6[g.r.IntN(len(g.addr6))][:])
	n := 0
	switch x := g.r.IntN(100); {
	case x < 55:
	case x < 85:
		n = 1 + g.r.IntN(3)
	default:
		n = g.r.IntN(11)
	}
	kinds := make([]uint8, n)
	for i := range kinds {
		kinds[i] = extKinds[g.r.IntN(len(extKinds))]
	}
	proto := g.l4proto()
	next := proto
	if n > 0 {
		next = kinds[0]
	}
	h[6] = next
	f = append(f, h...)
	for i, k := range kinds {
		nh := proto
		if i+1 < n {
			nh = kinds[i+1]
		}
		f = g.ext(f, k, nh, g.chance(80))
	}
	return g.l4(f, proto)
}

// ext appends one extension header of kind k whose next header is nh;
// small keeps it short. A fragment header is atomic unless the dice say.
func (g *Gen) ext(f []byte, k, nh uint8, small bool) []byte {
	var size int
	var lenField byte
	switch k {
	case 44:
		size = 8
		lenField = byte(g.r.Uint32())
	case 51:
		lenField = byte(g.r.IntN(8))
		if !small {
			lenField = byte(g.r.IntN(64))
		}
		size = (int(lenField) + 2) * 4
	default:
		lenField = byte(g.r.IntN(2))
		if !small {
			lenField = byte(g.r.IntN(32))
		}
		size = (int(lenField) + 1) * 8
	}
	e := g.bytes(size)
	e[0], e[1] = nh, lenField
	if k == 44 {
		frag := uint16(0)
		if g.chance(30) {
			frag = uint16(g.r.IntN(0x2000))<<3 | uint16(g.r.IntN(2))
		}
		binary.BigEndian.PutUint16(e[2:], frag)
	}
	return append(f, e...)
}

// Mutate returns a changed copy of a real frame: a few byte flips, a
// truncation, a VLAN tag inserted after the MACs, or a tag removed.
func (g *Gen) Mutate(frame []byte) []byte {
	f := append([]byte(nil), frame...)
	switch g.r.IntN(4) {
	case 0:
		for i := 0; i < 1+g.r.IntN(4) && len(f) > 0; i++ {
			// flips concentrate in the first 80 bytes, where the parser reads
			p := g.r.IntN(min(len(f), 80))
			f[p] ^= byte(1 + g.r.IntN(255))
		}
	case 1:
		if len(f) > 0 {
			f = f[:g.r.IntN(len(f))]
		}
	case 2:
		if len(f) >= 12 {
			tag := be16(be16(nil, tpids[g.r.IntN(3)]), uint16(g.r.Uint32()))
			f = append(f[:12:12], append(tag, f[12:]...)...)
		}
	default:
		if len(f) >= 18 {
			et := binary.BigEndian.Uint16(f[12:])
			if et == 0x8100 || et == 0x88a8 || et == 0x9100 {
				f = append(f[:12:12], f[16:]...)
			} else {
				f[len(f)/2] ^= 0x80
			}
		}
	}
	return f
}

func be16(b []byte, v uint16) []byte { return append(b, byte(v>>8), byte(v)) }

// RandomConfig makes a configuration that exercises everything SPEC 1
// allows: promiscuous or not with 1..4 group MACs, four partitions with
// random keys (now and then the default), equal_ports_tm and tables, up to
// 8 rules over the generator's port pool pointing at every partition, and
// flow state when asked.
func RandomConfig(seed uint64, flowState bool) *host.Config {
	r := rand.New(rand.NewPCG(seed, 0xc0f1))
	cfg := host.DefaultConfig()
	cfg.Promiscuous = r.IntN(2) == 0
	for i := 0; i < 1+r.IntN(4); i++ {
		var m [6]byte
		for j := range m {
			m[j] = byte(r.Uint32())
		}
		cfg.GroupMACs = append(cfg.GroupMACs, m)
	}
	cfg.Partitions = nil
	for p := 0; p < host.MaxPartitions; p++ {
		pc := host.DefaultPartition()
		if r.IntN(4) != 0 {
			for j := range pc.Key {
				pc.Key[j] = byte(r.Uint32())
			}
		}
		pc.EqualPortsTM = byte(r.Uint32())
		var t [host.TableSize]uint8
		tms := 1 + r.IntN(255)
		for j := range t {
			t[j] = uint8(r.IntN(tms))
		}
		pc.Table = &t
		cfg.Partitions = append(cfg.Partitions, pc)
	}
	pool := []uint16{80, 443, 53, 123, 8080, 5353, 22, 0, 65535}
	for i := 0; i < 3+r.IntN(6); i++ {
		cfg.Rules = append(cfg.Rules, host.Rule{
			Proto:     host.Proto(1 + r.IntN(3)),
			Port:      pool[r.IntN(len(pool))],
			Partition: uint8(1 + i%3),
		})
	}
	cfg.FlowState.Enabled = flowState
	return cfg
}
