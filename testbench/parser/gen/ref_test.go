package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Hand-worked SPEC 2 cases for the bench's reference. The expected values
// are read off the SPEC text by hand, not produced by classify.

var testDst = [6]byte{0x02, 0, 0, 0, 0, 1}

func eth(et uint16, tpids ...uint16) []byte {
	f := append([]byte{}, testDst[:]...)
	f = append(f, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff)
	for _, t := range tpids {
		f = append(f, byte(t>>8), byte(t), 0x00, 0x07)
	}
	return append(f, byte(et>>8), byte(et))
}

// v4hdr: 20-byte header, total length 40, DF, given protocol,
// 192.0.2.1 -> 198.51.100.2.
func v4hdr(proto byte) []byte {
	return []byte{0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0, 64, proto, 0xde, 0xad,
		192, 0, 2, 1, 198, 51, 100, 2}
}

// v6hdr: fixed header with next header nh, 2001:db8::1 -> 2001:db8::2.
func v6hdr(nh byte) []byte {
	h := []byte{0x60, 0, 0, 0, 0, 0, nh, 64}
	src := []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}
	dst := []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}
	h = append(h, src...)
	return append(h, dst...)
}

func cat(parts ...[]byte) []byte {
	var f []byte
	for _, p := range parts {
		f = append(f, p...)
	}
	return f
}

var ports = []byte{0x00, 0x35, 0xc0, 0x01} // 53 -> 49153

func mapped(a, b, c, d byte) [16]byte {
	return [16]byte{10: 0xff, 11: 0xff, 12: a, 13: b, 14: c, 15: d}
}

func TestClassifyHandWorked(t *testing.T) {
	promisc := config{Promisc: true}
	filtered := config{MACs: [4][6]byte{testDst, {0x02, 0, 0, 0, 0, 2}}, MACValid: [4]bool{false, true}}
	hbh := func(next, hlen byte) []byte { // (hlen+1)*8 bytes
		h := []byte{next, hlen}
		return append(h, make([]byte, int(hlen+1)*8-2)...)
	}
	v6src := [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}
	v6dst := [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 2}

	ninth := cat(eth(0x86dd), v6hdr(0))
	for i := 0; i < 8; i++ {
		ninth = append(ninth, hbh(0, 0)...)
	}

	cases := []struct {
		name  string
		frame []byte
		cfg   config
		want  parseResult
	}{
		{"empty", nil, promisc, control(rsnMalformed)},
		{"13 bytes, before the MAC check", make([]byte, 13), filtered, control(rsnMalformed)},
		{"MAC in an invalid slot misses", eth(0x0800), filtered, parseResult{Action: actBridge, Reason: rsnMACMiss}},
		{"14 bytes ARP", eth(0x0806), promisc, control(rsnNotIP)},
		{"14 bytes IPv4: header missing", eth(0x0800), promisc, control(rsnMalformed)},
		{"tag, EtherType cut", eth(0x0800, 0x8100)[:17], promisc, control(rsnMalformed)},
		{"two tags then TPID: too deep on the TPID alone", eth(0x9100, 0x88a8, 0x8100), promisc, control(rsnTooDeep)},
		{"two tags, 0x8101 is not a TPID", eth(0x8101, 0x88a8, 0x9100), promisc, control(rsnNotIP)},
		{"IPv4 UDP", cat(eth(0x0800), v4hdr(17), ports), promisc,
			parseResult{Action: actForward, Reason: rsnL4, Src: mapped(192, 0, 2, 1), Dst: mapped(198, 51, 100, 2),
				Proto: 17, SrcPort: 53, DstPort: 49153}},
		{"IPv4 UDP behind two tags", cat(eth(0x0800, 0x8100, 0x8100), v4hdr(17), ports), promisc,
			parseResult{Action: actForward, Reason: rsnL4, Src: mapped(192, 0, 2, 1), Dst: mapped(198, 51, 100, 2),
				Proto: 17, SrcPort: 53, DstPort: 49153}},
		{"IPv4 ports cut", cat(eth(0x0800), v4hdr(6), ports[:3]), promisc, control(rsnMalformed)},
		{"IPv4 ICMP", cat(eth(0x0800), v4hdr(1)), promisc,
			parseResult{Action: actForward, Reason: rsnNonL4, Src: mapped(192, 0, 2, 1), Dst: mapped(198, 51, 100, 2), Proto: 1}},
		{"IPv4 protocol 0 is not an extension header", cat(eth(0x0800), v4hdr(0)), promisc,
			parseResult{Action: actForward, Reason: rsnNonL4, Src: mapped(192, 0, 2, 1), Dst: mapped(198, 51, 100, 2), Proto: 0}},
		{"IPv4 MF", func() []byte { f := cat(eth(0x0800), v4hdr(6), ports); f[20] = 0x20; return f }(), promisc,
			parseResult{Action: actFragment, Reason: rsnFragment}},
		{"IPv4 offset 8", func() []byte { f := cat(eth(0x0800), v4hdr(6), ports); f[21] = 1; return f }(), promisc,
			parseResult{Action: actFragment, Reason: rsnFragment}},
		{"IPv4 MF but IHL 4: malformed first", func() []byte {
			f := cat(eth(0x0800), v4hdr(6), ports)
			f[14], f[20] = 0x44, 0x20
			return f
		}(), promisc, control(rsnMalformed)},
		{"IPv4 MF but options cut: malformed first", func() []byte {
			f := cat(eth(0x0800), v4hdr(6))
			f[14], f[20] = 0x46, 0x20
			return f
		}(), promisc, control(rsnMalformed)},
		{"IPv4 total length 19", func() []byte { f := cat(eth(0x0800), v4hdr(6), ports); f[17] = 19; return f }(), promisc,
			control(rsnMalformed)},
		{"IPv4 total length 20 is enough", func() []byte { f := cat(eth(0x0800), v4hdr(17), ports); f[17] = 20; return f }(), promisc,
			parseResult{Action: actForward, Reason: rsnL4, Src: mapped(192, 0, 2, 1), Dst: mapped(198, 51, 100, 2),
				Proto: 17, SrcPort: 53, DstPort: 49153}},
		{"IPv6 39 bytes", cat(eth(0x86dd), v6hdr(6))[:53], promisc, control(rsnMalformed)},
		{"IPv6 no next header", cat(eth(0x86dd), v6hdr(59)), promisc,
			parseResult{Action: actForward, Reason: rsnNonL4, Src: v6src, Dst: v6dst, Proto: 59}},
		{"IPv6 atomic fragment then TCP", cat(eth(0x86dd), v6hdr(44), []byte{6, 0, 0, 0, 1, 2, 3, 4}, ports), promisc,
			parseResult{Action: actForward, Reason: rsnL4, Src: v6src, Dst: v6dst, Proto: 6, SrcPort: 53, DstPort: 49153}},
		{"IPv6 fragment M=1", cat(eth(0x86dd), v6hdr(44), []byte{6, 0, 0, 1, 1, 2, 3, 4}, ports), promisc,
			parseResult{Action: actFragment, Reason: rsnFragment}},
		{"IPv6 fragment header cut before its 8th byte", cat(eth(0x86dd), v6hdr(44), []byte{6, 0, 0, 1, 1, 2, 3}), promisc,
			control(rsnMalformed)},
		{"IPv6 AH len 1 = 12 bytes", cat(eth(0x86dd), v6hdr(51), []byte{17, 1}, make([]byte, 10), ports), promisc,
			parseResult{Action: actForward, Reason: rsnL4, Src: v6src, Dst: v6dst, Proto: 17, SrcPort: 53, DstPort: 49153}},
		{"IPv6 ninth header, frame ends right there", ninth, promisc, control(rsnTooDeep)},
		// 54 + 8*(24+1) = 254: ports at 254..257 end past byte 256.
		{"IPv6 ports past byte 256 in a short frame", cat(eth(0x86dd), v6hdr(0), hbh(6, 24)), promisc, control(rsnTooDeep)},
		// 54 + 8*(24+1) - 4 = 250 with AH (len+2)*4 = 196: ports 250..253.
		{"IPv6 ports end at 254, frame cut", cat(eth(0x86dd), v6hdr(51), []byte{6, 47}, make([]byte, 194)), promisc,
			control(rsnMalformed)},
		// next header at 254: its 8 bytes end past 256.
		{"IPv6 extension header past byte 256", cat(eth(0x86dd), v6hdr(0), hbh(60, 24)), promisc, control(rsnTooDeep)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, classify(c.frame, c.cfg))
		})
	}
}
