package main

// An independent, deliberately plain implementation of SPEC section 2 steps
// 1-8, written from the SPEC text with byte offsets (the RTL works on 4-byte
// words and beats; this side shares none of that). It returns what
// hdl/fs_parser.v must put on its res_* ports.

// Action and reason codes, docs/interfaces.md.
const (
	actForward  = 0
	actBridge   = 1
	actControl  = 2
	actFragment = 3

	rsnMACMiss   = 0
	rsnNotIP     = 1
	rsnMalformed = 2
	rsnTooDeep   = 3
	rsnFragment  = 4
	rsnNonL4     = 5
	rsnL4        = 7 // SRC_HASH, the parser's placeholder for "ports valid"
)

// window is the number of leading frame bytes the parser may look at.
const window = 256

type parseResult struct {
	Action, Reason int
	Src, Dst       [16]byte
	Proto          byte
	SrcPort        uint16
	DstPort        uint16
}

type config struct {
	Promisc  bool
	MACs     [4][6]byte
	MACValid [4]bool
}

func control(reason int) parseResult { return parseResult{Action: actControl, Reason: reason} }

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }

func isTPID(et uint16) bool { return et == 0x8100 || et == 0x88a8 || et == 0x9100 }

func isExtHeader(nh byte) bool { return nh == 0 || nh == 43 || nh == 60 || nh == 44 || nh == 51 }

// readable applies SPEC 2 step 6's reading rule to bytes [off, off+n).
// It returns 0 when they can be read, else the CONTROL reason.
func readable(f []byte, off, n int) int {
	if off+n > window {
		return rsnTooDeep
	}
	if off+n > len(f) {
		return rsnMalformed
	}
	return 0
}

func classify(f []byte, cfg config) parseResult {
	// Step 1.
	if len(f) < 14 {
		return control(rsnMalformed)
	}
	// Step 2.
	if !cfg.Promisc {
		hit := false
		for i := range cfg.MACs {
			if cfg.MACValid[i] && string(cfg.MACs[i][:]) == string(f[0:6]) {
				hit = true
			}
		}
		if !hit {
			return parseResult{Action: actBridge, Reason: rsnMACMiss}
		}
	}
	// Step 3.
	etOff := 12
	tags := 0
	et := be16(f[etOff:])
	for isTPID(et) {
		if tags == 2 {
			return control(rsnTooDeep)
		}
		tags++
		etOff += 4
		if etOff+2 > len(f) {
			return control(rsnMalformed)
		}
		et = be16(f[etOff:])
	}
	l3 := etOff + 2
	// Step 4.
	switch et {
	case 0x0800:
		return classifyIPv4(f, l3)
	case 0x86dd:
		return classifyIPv6(f, l3)
	}
	return control(rsnNotIP)
}

func classifyIPv4(f []byte, l3 int) parseResult {
	// Step 5.
	if len(f)-l3 < 20 {
		return control(rsnMalformed)
	}
	ver := int(f[l3] >> 4)
	hdrLen := int(f[l3]&0x0f) * 4
	totalLen := int(be16(f[l3+2:]))
	if ver != 4 || hdrLen < 20 || l3+hdrLen > len(f) || totalLen < hdrLen {
		return control(rsnMalformed)
	}
	moreFragments := f[l3+6]&0x20 != 0
	fragOffset := be16(f[l3+6:]) & 0x1fff
	if moreFragments || fragOffset != 0 {
		return parseResult{Action: actFragment, Reason: rsnFragment}
	}
	var r parseResult
	r.Src[10], r.Src[11] = 0xff, 0xff
	r.Dst[10], r.Dst[11] = 0xff, 0xff
	copy(r.Src[12:], f[l3+12:l3+16])
	copy(r.Dst[12:], f[l3+16:l3+20])
	r.Proto = f[l3+9]
	return finishL4(f, l3+hdrLen, r)
}

func classifyIPv6(f []byte, l3 int) parseResult {
	// Step 6.
	if len(f)-l3 < 40 || f[l3]>>4 != 6 {
		return control(rsnMalformed)
	}
	nh := f[l3+6]
	off := l3 + 40
	for n := 0; isExtHeader(nh); n++ {
		if n == 8 {
			return control(rsnTooDeep)
		}
		if reason := readable(f, off, 8); reason != 0 {
			return control(reason)
		}
		h := f[off : off+8]
		var size int
		switch nh {
		case 44:
			if be16(h[2:])>>3 != 0 || h[3]&1 != 0 {
				return parseResult{Action: actFragment, Reason: rsnFragment}
			}
			size = 8
		case 51:
			size = (int(h[1]) + 2) * 4
		default:
			size = (int(h[1]) + 1) * 8
		}
		nh = h[0]
		off += size
	}
	var r parseResult
	copy(r.Src[:], f[l3+8:l3+24])
	copy(r.Dst[:], f[l3+24:l3+40])
	r.Proto = nh
	return finishL4(f, off, r)
}

// finishL4 does steps 7 and 8 for an IP packet whose transport header
// (or protocol payload) starts at off.
func finishL4(f []byte, off int, r parseResult) parseResult {
	r.Action = actForward
	if r.Proto != 6 && r.Proto != 17 {
		r.Reason = rsnNonL4
		return r
	}
	if reason := readable(f, off, 4); reason != 0 {
		return control(reason)
	}
	r.Reason = rsnL4
	r.SrcPort = be16(f[off:])
	r.DstPort = be16(f[off+2:])
	return r
}
