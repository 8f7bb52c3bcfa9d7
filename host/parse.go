package host

import "encoding/binary"

// Window is how deep into a frame the distributor reads (SPEC 2 step 6):
// any extension header or port field ending past byte 256 is TOO_DEEP.
const Window = 256

// EtherTypes and IP protocol numbers the parser knows.
const (
	etherTypeIPv4   = 0x0800
	etherTypeIPv6   = 0x86dd
	tpid8021Q       = 0x8100
	tpid8021AD      = 0x88a8
	tpidQinQLegacy  = 0x9100
	maxVLANTags     = 2 // a third tag is TOO_DEEP
	maxExtHeaders   = 8 // a ninth extension header is TOO_DEEP
	ProtoTCP        = 6
	ProtoUDP        = 17
	ipv6HopByHop    = 0
	ipv6Routing     = 43
	ipv6Fragment    = 44
	ipv6AuthHeader  = 51
	ipv6DestOptions = 60
)

// Addr is an IP address as the distributor hashes it: 16 bytes, IPv4 as the
// IPv4-mapped IPv6 address ::ffff:a.b.c.d.
type Addr [16]byte

// Parsed is what the parser learned about a frame (SPEC 2 steps 1-8).
// Outcome is the SPEC reason when parsing alone decides the frame
// (MAC_MISS, NOT_IP, MALFORMED, TOO_DEEP, FRAGMENT), NON_L4 for an IP packet
// that is not TCP or UDP, and SRC_HASH as a marker for "TCP/UDP, ports read"
// (steps 9-11 then choose EQUAL_PORTS, SRC_HASH or DST_HASH).
type Parsed struct {
	Outcome    Reason
	VLANDepth  uint8  // tags skipped (0..2)
	EtherType  uint16 // the EtherType after the tags (0 if not reached)
	IPVersion  uint8  // 4 or 6 once the IP header is valid, else 0
	ExtHeaders uint8  // IPv6 extension headers walked
	Src, Dst   Addr
	Proto      uint8
	SrcPort    uint16
	DstPort    uint16
	L4Offset   int // where the ports start (TCP/UDP only)
}

// MACFilter is the destination MAC check of SPEC 2 step 2.
type MACFilter struct {
	Promiscuous bool
	Groups      [][6]byte
}

func (f *MACFilter) match(dst []byte) bool {
	if f.Promiscuous {
		return true
	}
	for i := range f.Groups {
		if string(f.Groups[i][:]) == string(dst) {
			return true
		}
	}
	return false
}

// ipv4MappedPrefix is ::ffff:0:0/96.
var ipv4MappedPrefix = [12]byte{10: 0xff, 11: 0xff}

// Parse runs SPEC 2 steps 1-8 on one frame. It never reads past len(frame)
// and never allocates. Each early return below is one SPEC step; the first
// that matches wins.
func Parse(frame []byte, macs *MACFilter, p *Parsed) {
	*p = Parsed{}
	n := len(frame)

	// Step 1: an Ethernet header needs 14 bytes.
	if n < 14 {
		p.Outcome = ReasonMalformed
		return
	}
	// Step 2 (block 802): is the frame addressed to us?
	if !macs.match(frame[0:6]) {
		p.Outcome = ReasonMACMiss
		return
	}
	// Step 3: skip up to two VLAN tags. The EtherType field sits at off.
	off := 12
	etherType := binary.BigEndian.Uint16(frame[off:])
	for etherType == tpid8021Q || etherType == tpid8021AD || etherType == tpidQinQLegacy {
		if p.VLANDepth == maxVLANTags {
			p.Outcome = ReasonTooDeep // decided on the third TPID alone
			return
		}
		p.VLANDepth++
		off += 4
		if off+2 > n {
			p.Outcome = ReasonMalformed // the next EtherType is not captured
			return
		}
		etherType = binary.BigEndian.Uint16(frame[off:])
	}
	p.EtherType = etherType
	l3 := off + 2

	// Step 4 (block 804): only IP is steered.
	switch etherType {
	case etherTypeIPv4:
		if !parseIPv4(frame, l3, p) {
			return
		}
	case etherTypeIPv6:
		if !parseIPv6(frame, l3, p) {
			return
		}
	default:
		p.Outcome = ReasonNotIP
		return
	}

	// Step 7 (blocks 808, 826): not TCP or UDP.
	if p.Proto != ProtoTCP && p.Proto != ProtoUDP {
		p.Outcome = ReasonNonL4
		return
	}
	// Step 8: the ports, under the reading rule.
	if r, ok := readRule(p.L4Offset, 4, n); !ok {
		p.Outcome = r
		return
	}
	p.SrcPort = binary.BigEndian.Uint16(frame[p.L4Offset:])
	p.DstPort = binary.BigEndian.Uint16(frame[p.L4Offset+2:])
	p.Outcome = ReasonSrcHash
}

// readRule is SPEC 2's reading rule for a field of size bytes at off: past
// the 256-byte window is TOO_DEEP, past the captured bytes is MALFORMED.
func readRule(off, size, captured int) (Reason, bool) {
	end := off + size
	if end > Window {
		return ReasonTooDeep, false
	}
	if end > captured {
		return ReasonMalformed, false
	}
	return 0, true
}

// parseIPv4 is SPEC 2 step 5. It reports false when the frame is decided.
func parseIPv4(frame []byte, l3 int, p *Parsed) bool {
	n := len(frame)
	if n-l3 < 20 {
		p.Outcome = ReasonMalformed
		return false
	}
	verIHL := frame[l3]
	ihl := int(verIHL & 0x0f)
	totalLength := int(binary.BigEndian.Uint16(frame[l3+2:]))
	if verIHL>>4 != 4 || ihl < 5 || l3+ihl*4 > n || totalLength < ihl*4 {
		p.Outcome = ReasonMalformed
		return false
	}
	// Block 806: any fragment but a whole datagram goes to the fragment
	// handler (MF set or a non-zero offset).
	flagsFrag := binary.BigEndian.Uint16(frame[l3+6:])
	if flagsFrag&0x2000 != 0 || flagsFrag&0x1fff != 0 {
		p.Outcome = ReasonFragment
		return false
	}
	p.IPVersion = 4
	p.Proto = frame[l3+9]
	copy(p.Src[:12], ipv4MappedPrefix[:])
	copy(p.Src[12:], frame[l3+12:l3+16])
	copy(p.Dst[:12], ipv4MappedPrefix[:])
	copy(p.Dst[12:], frame[l3+16:l3+20])
	p.L4Offset = l3 + ihl*4
	return true
}

// parseIPv6 is SPEC 2 step 6: the base header, then the extension header
// walk. It reports false when the frame is decided.
func parseIPv6(frame []byte, l3 int, p *Parsed) bool {
	n := len(frame)
	if n-l3 < 40 || frame[l3]>>4 != 6 {
		p.Outcome = ReasonMalformed
		return false
	}
	copy(p.Src[:], frame[l3+8:l3+24])
	copy(p.Dst[:], frame[l3+24:l3+40])
	next := frame[l3+6]
	off := l3 + 40
	for isExtensionHeader(next) {
		if p.ExtHeaders == maxExtHeaders {
			p.Outcome = ReasonTooDeep // the ninth is decided before it is read
			return false
		}
		if r, ok := readRule(off, 8, n); !ok {
			p.Outcome = r
			return false
		}
		var length int
		switch next {
		case ipv6Fragment:
			fragOffset := binary.BigEndian.Uint16(frame[off+2:]) >> 3
			more := frame[off+3] & 1
			if fragOffset != 0 || more != 0 {
				p.Outcome = ReasonFragment
				return false
			}
			length = 8 // atomic fragment (RFC 6946): keep walking
		case ipv6AuthHeader:
			length = (int(frame[off+1]) + 2) * 4
		default:
			length = (int(frame[off+1]) + 1) * 8
		}
		p.ExtHeaders++
		next = frame[off]
		off += length
	}
	p.IPVersion = 6
	p.Proto = next
	p.L4Offset = off
	return true
}

func isExtensionHeader(nh uint8) bool {
	switch nh {
	case ipv6HopByHop, ipv6Routing, ipv6DestOptions, ipv6Fragment, ipv6AuthHeader:
		return true
	}
	return false
}
