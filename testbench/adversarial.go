package testbench

import (
	"encoding/binary"

	"github.com/flowsteer/flowsteer/host"
)

// ext6 is one IPv6 extension header to build: its kind, its length field
// and, for a fragment header, the offset/M word.
type ext6 struct {
	kind uint8
	len  uint8
	frag uint16
}

// frameBuilder makes hand-shaped frames for the adversarial set.
type frameBuilder struct {
	dst  [6]byte
	fill byte
}

func (b *frameBuilder) eth(tags []uint16, et uint16) []byte {
	f := append([]byte{}, b.dst[:]...)
	f = append(f, 0x02, 0xaa, 0xbb, 0xcc, 0xdd, b.fill)
	b.fill++
	for i, t := range tags {
		f = be16(be16(f, t), uint16(100+i))
	}
	return be16(f, et)
}

// ipv4 appends a header of ihl words (total length total, or the real one
// when total < 0), then ports and payload.
func (b *frameBuilder) ipv4(f []byte, ihl, total int, fragWord uint16, proto uint8, sport, dport uint16, payload int) []byte {
	start := len(f)
	h := make([]byte, max(ihl, 5)*4)
	h[0] = 0x40 | byte(ihl)
	binary.BigEndian.PutUint16(h[6:], fragWord)
	h[8], h[9] = 64, proto
	copy(h[12:], []byte{10, 0, 0, b.fill})
	copy(h[16:], []byte{192, 0, 2, 7})
	f = append(f, h...)
	f = be16(be16(f, sport), dport)
	f = append(f, make([]byte, payload)...)
	if total < 0 {
		total = len(f) - start
	}
	binary.BigEndian.PutUint16(f[start+2:], uint16(total))
	return f
}

func (b *frameBuilder) ipv6(f []byte, exts []ext6, proto uint8, sport, dport uint16, payload int) []byte {
	h := make([]byte, 40)
	h[0] = 0x60
	h[7] = 64
	h[8], h[23] = 0x20, b.fill
	h[24], h[39] = 0x20, 0x07
	next := proto
	if len(exts) > 0 {
		next = exts[0].kind
	}
	h[6] = next
	f = append(f, h...)
	for i, e := range exts {
		nh := proto
		if i+1 < len(exts) {
			nh = exts[i+1].kind
		}
		size := (int(e.len) + 1) * 8
		switch e.kind {
		case 44:
			size = 8
		case 51:
			size = (int(e.len) + 2) * 4
		}
		x := make([]byte, size)
		x[0], x[1] = nh, e.len
		if e.kind == 44 {
			binary.BigEndian.PutUint16(x[2:], e.frag)
		}
		f = append(f, x...)
	}
	f = be16(be16(f, sport), dport)
	return append(f, make([]byte, payload)...)
}

// Adversarial is a fixed set of frames aimed at every SPEC 2 step and every
// boundary: runts of 0..13 bytes, 0..3 VLAN tags of every TPID and tags cut
// short, non-IP EtherTypes, IPv4 with every IHL, short and odd total
// lengths, every fragment flag, the capture cut at every byte up to the
// ports; IPv6 with chains of 0..9 extension headers of every kind
// (hop-by-hop, routing, destination options, atomic and real fragments, AH
// of many lengths), protocols 59/50/58, headers and ports on both sides of
// the 256-byte window and straddling beat boundaries; equal, larger and
// smaller ports; each rule's port on either side. The frames address the
// configuration's first group MAC (or the synthetic one), plus a few that
// miss it.
func Adversarial(cfg *host.Config) [][]byte {
	b := &frameBuilder{dst: cfg.SynthDstMAC()}
	var out [][]byte
	add := func(f ...[]byte) { out = append(out, f...) }
	tcp, udp := uint8(host.ProtoTCP), uint8(host.ProtoUDP)

	// Step 1: runts, 0..13 bytes, and 14.
	base := b.ipv4(b.eth(nil, 0x0800), 5, -1, 0, tcp, 40000, 80, 10)
	for n := 0; n <= 14; n++ {
		add(append([]byte(nil), base[:n]...))
	}
	// Step 2: MAC misses (decided as misses only when not promiscuous).
	miss := append([]byte(nil), base...)
	copy(miss, []byte{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb})
	add(miss)
	miss2 := append([]byte(nil), base...)
	miss2[5] ^= 1
	add(miss2)

	// Step 3: 0..3 tags, every TPID in every position; tags cut short.
	var tagSets [][]uint16
	tagSets = append(tagSets, nil)
	for depth := 1; depth <= 3; depth++ {
		n := 1
		for i := 0; i < depth; i++ {
			n *= 3
		}
		for c := 0; c < n; c++ {
			var ts []uint16
			for i, x := 0, c; i < depth; i, x = i+1, x/3 {
				ts = append(ts, tpids[x%3])
			}
			tagSets = append(tagSets, ts)
		}
	}
	for _, ts := range tagSets {
		add(b.ipv4(b.eth(ts, 0x0800), 5, -1, 0, tcp, 40000+uint16(len(ts)), 443, 20))
		add(b.ipv6(b.eth(ts, 0x86dd), nil, udp, 53, 50000, 20))
	}
	for depth := 1; depth <= 3; depth++ {
		f := b.ipv4(b.eth([]uint16{0x8100, 0x88a8, 0x9100}[:depth], 0x0800), 5, -1, 0, tcp, 1234, 80, 0)
		for cut := 12 + 4*depth - 2; cut <= 14+4*depth+1; cut++ {
			add(append([]byte(nil), f[:cut]...))
		}
	}

	// Step 4: EtherTypes that are not IP, and IP EtherTypes with the other
	// version inside.
	for _, et := range []uint16{0x0806, 0x0000, 0x05dc, 0x0600, 0x88cc, 0x8847, 0xffff, 0x86de, 0x0801} {
		add(b.ipv4(b.eth(nil, et), 5, -1, 0, tcp, 1000, 2000, 10))
	}
	add(b.ipv6(b.eth(nil, 0x0800), nil, tcp, 1000, 2000, 10))
	add(b.ipv4(b.eth(nil, 0x86dd), 5, -1, 0, tcp, 1000, 2000, 40))

	// Step 5: IPv4 every IHL, total lengths around IHL*4, fragment flags,
	// capture cut at every byte from the IP header to past the ports.
	for ihl := 0; ihl <= 15; ihl++ {
		for _, tl := range []int{-1, 0, 19, 20, ihl*4 - 1, ihl * 4, ihl*4 + 1, 65535} {
			add(b.ipv4(b.eth(nil, 0x0800), ihl, tl, 0, tcp, 5555, 80, 8))
		}
	}
	for _, fw := range []uint16{0, 0x4000, 0x2000, 0x6000, 0x0001, 0x1fff, 0x4001, 0x8000, 0x3fff} {
		add(b.ipv4(b.eth(nil, 0x0800), 5, -1, fw, udp, 5353, 5353, 8))
		add(b.ipv4(b.eth(nil, 0x0800), 0, -1, fw, udp, 5353, 53, 8)) // malformed before fragment
	}
	for _, ihl := range []int{5, 6, 15} {
		for tags := 0; tags <= 2; tags++ {
			f := b.ipv4(b.eth([]uint16{0x8100, 0x8100}[:tags], 0x0800), ihl, -1, 0, tcp, 33000, 22, 4)
			for cut := 14 + 4*tags; cut <= len(f); cut++ {
				add(append([]byte(nil), f[:cut]...))
			}
		}
	}
	// Ports read from padding: total length covers only the IP header.
	add(b.ipv4(b.eth(nil, 0x0800), 5, 20, 0, tcp, 3000, 4000, 20))
	for _, p := range []uint8{0, 1, 2, 4, 41, 47, 50, 51, 58, 132, 255} {
		add(b.ipv4(b.eth(nil, 0x0800), 5, -1, 0, p, 1, 2, 16))
	}
	// Version nibble wrong under 0x0800.
	v := b.ipv4(b.eth(nil, 0x0800), 5, -1, 0, tcp, 1, 2, 8)
	v[14] = 0x65
	add(v)

	// Step 6: IPv6 short headers and versions.
	v6 := b.ipv6(b.eth(nil, 0x86dd), nil, tcp, 1024, 80, 8)
	for cut := 14; cut <= len(v6); cut++ {
		add(append([]byte(nil), v6[:cut]...))
	}
	for _, ver := range []byte{0x40, 0x50, 0x70, 0x00, 0xf0} {
		w := append([]byte(nil), v6...)
		w[14] = ver
		add(w)
	}
	// Chains of 0..9 headers, of each kind and mixed.
	kinds := []ext6{{kind: 0}, {kind: 43}, {kind: 60}, {kind: 44}, {kind: 51, len: 1}, {kind: 51, len: 0}}
	for _, k := range kinds {
		for n := 0; n <= 9; n++ {
			chain := make([]ext6, n)
			for i := range chain {
				chain[i] = k
			}
			add(b.ipv6(b.eth(nil, 0x86dd), chain, tcp, 2000, 1000, 4))
		}
	}
	for n := 0; n <= 9; n++ {
		chain := make([]ext6, n)
		for i := range chain {
			chain[i] = kinds[(i+n)%len(kinds)]
		}
		add(b.ipv6(b.eth(nil, 0x86dd), chain, udp, 1000, 2000, 4))
		add(b.ipv6(b.eth([]uint16{0x8100}, 0x86dd), chain, udp, 1000, 2000, 4))
	}
	// Fragment headers: atomic (RFC 6946) and real, in any position.
	for _, fw := range []uint16{0, 1, 8, 9, 0xfff8, 0x0006, 0x0007} {
		add(b.ipv6(b.eth(nil, 0x86dd), []ext6{{kind: 44, frag: fw}}, tcp, 7000, 80, 4))
		add(b.ipv6(b.eth(nil, 0x86dd), []ext6{{kind: 0}, {kind: 60}, {kind: 44, frag: fw}}, udp, 53, 53, 4))
	}
	// Ends of the walk that are protocols: 59 (no next), 50 (ESP), ICMPv6.
	for _, p := range []uint8{59, 50, 58, 4, 41, 135} {
		add(b.ipv6(b.eth(nil, 0x86dd), nil, p, 0, 0, 16))
		add(b.ipv6(b.eth(nil, 0x86dd), []ext6{{kind: 0}}, p, 0, 0, 16))
	}
	// Extension lengths of every size class; AH lengths move the ports in
	// steps of 4 so they straddle 8-byte beats in every way.
	for l := 0; l <= 30; l++ {
		add(b.ipv6(b.eth(nil, 0x86dd), []ext6{{kind: 60, len: uint8(l)}}, tcp, 9000, 80, 4))
		add(b.ipv6(b.eth(nil, 0x86dd), []ext6{{kind: 51, len: uint8(l)}}, udp, 9000, 80, 4))
	}
	// The 256-byte window: extension headers and ports ending just below,
	// at and above it, with 0..2 tags, fully captured and cut short.
	for tags := 0; tags <= 2; tags++ {
		ts := []uint16{0x88a8, 0x8100}[:tags]
		for ahLen := 40; ahLen <= 52; ahLen++ {
			for _, second := range []bool{false, true} {
				chain := []ext6{{kind: 51, len: uint8(ahLen)}}
				if second {
					chain = append(chain, ext6{kind: 60})
				}
				f := b.ipv6(b.eth(ts, 0x86dd), chain, tcp, 6000, 443, 64)
				add(f)
				l4 := len(f) - 64 - 4
				for _, cut := range []int{l4 - 1, l4, l4 + 2, l4 + 3} {
					if cut > 0 && cut <= len(f) {
						add(append([]byte(nil), f[:cut]...))
					}
				}
			}
		}
		for dl := 22; dl <= 26; dl++ {
			f := b.ipv6(b.eth(ts, 0x86dd), []ext6{{kind: 0, len: uint8(dl)}, {kind: 43}}, udp, 6000, 443, 64)
			add(f, f[:min(len(f), 256)], f[:min(len(f), 250)])
		}
	}

	// Steps 9-11: port relations, extremes, every rule's port on each side.
	for _, pp := range [][2]uint16{{80, 80}, {0, 0}, {65535, 65535}, {1, 0}, {0, 1}, {65535, 65534}, {65534, 65535}, {443, 50000}, {50000, 443}} {
		add(b.ipv4(b.eth(nil, 0x0800), 5, -1, 0, tcp, pp[0], pp[1], 8))
		add(b.ipv6(b.eth(nil, 0x86dd), nil, udp, pp[0], pp[1], 8))
	}
	for _, r := range cfg.Rules {
		for _, p := range []uint8{tcp, udp} {
			add(b.ipv4(b.eth(nil, 0x0800), 5, -1, 0, p, r.Port, 40000, 8))
			add(b.ipv4(b.eth(nil, 0x0800), 5, -1, 0, p, 40001, r.Port, 8))
			add(b.ipv6(b.eth(nil, 0x86dd), nil, p, r.Port, r.Port, 8))
		}
	}
	// Long frames: full-size, jumbo and beyond, whose ports are near the
	// front; the egress must still carry every byte.
	for _, n := range []int{1514, 1518, 1519, 9018, 16383} {
		add(b.ipv4(b.eth(nil, 0x0800), 5, -1, 0, tcp, 51000, 443, n-54))
		add(b.ipv6(b.eth([]uint16{0x8100}, 0x86dd), []ext6{{kind: 0}}, udp, 4789, 50000, n-80))
	}
	return out
}
