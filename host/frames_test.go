package host

import "encoding/binary"

// Hand-built frames for unit tests: each builder writes the bytes SPEC 2
// talks about and nothing clever, so a test reads like the SPEC step it checks.

var (
	macOurs  = [6]byte{0x02, 0, 0, 0, 0, 0x01}
	macOther = [6]byte{0x02, 0, 0, 0, 0, 0x99}
)

func ethHeader(dst [6]byte, etherTypes ...uint16) []byte {
	b := append([]byte{}, dst[:]...)
	b = append(b, 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee)
	for i, et := range etherTypes {
		b = binary.BigEndian.AppendUint16(b, et)
		if i < len(etherTypes)-1 {
			b = binary.BigEndian.AppendUint16(b, 0x0064) // TCI of the tag
		}
	}
	return b
}

func ipv4Header(proto uint8, src, dst [4]byte, ihl int, flagsFrag uint16) []byte {
	h := make([]byte, ihl*4)
	h[0] = 0x40 | byte(ihl)
	binary.BigEndian.PutUint16(h[2:], uint16(ihl*4+20))
	binary.BigEndian.PutUint16(h[6:], flagsFrag)
	h[8] = 64
	h[9] = proto
	copy(h[12:], src[:])
	copy(h[16:], dst[:])
	return h
}

func ipv6Header(next uint8, src, dst Addr) []byte {
	h := make([]byte, 40)
	h[0] = 0x60
	h[6] = next
	h[7] = 64
	copy(h[8:], src[:])
	copy(h[24:], dst[:])
	return h
}

// extHeader is a generic IPv6 extension header of (hdrLen+1)*8 bytes.
func extHeader(next uint8, hdrLen uint8) []byte {
	h := make([]byte, (int(hdrLen)+1)*8)
	h[0] = next
	h[1] = hdrLen
	return h
}

func ahHeader(next uint8, payloadLen uint8) []byte {
	h := make([]byte, (int(payloadLen)+2)*4)
	h[0] = next
	h[1] = payloadLen
	return h
}

func fragHeader(next uint8, offset uint16, more bool) []byte {
	h := make([]byte, 8)
	h[0] = next
	v := offset << 3
	if more {
		v |= 1
	}
	binary.BigEndian.PutUint16(h[2:], v)
	return h
}

func ports(src, dst uint16) []byte {
	b := binary.BigEndian.AppendUint16(nil, src)
	b = binary.BigEndian.AppendUint16(b, dst)
	return append(b, make([]byte, 16)...) // rest of a TCP/UDP header
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func mapped4(a [4]byte) Addr {
	var m Addr
	m[10], m[11] = 0xff, 0xff
	copy(m[12:], a[:])
	return m
}

func v6(last byte) Addr {
	return Addr{0x20, 0x01, 0x0d, 0xb8, 15: last}
}
