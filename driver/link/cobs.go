package link

// COBS (Consistent Overhead Byte Stuffing, Cheshire & Baker 1999) removes
// every 0x00 from a frame so 0x00 can delimit frames: a receiver that lost
// bytes resynchronises at the next 0x00, and a polling SPI host can clock
// 0x00 as filler because runs of 0x00 decode as empty frames. Overhead is at
// most one byte per 254 (vs up to 100% for SLIP/HDLC escaping of 8-bit
// table data).

// cobsEncode appends the COBS encoding of src (without the delimiter).
func cobsEncode(dst, src []byte) []byte {
	codePos := len(dst)
	dst = append(dst, 0) // placeholder for the first code byte
	code := byte(1)
	for _, b := range src {
		if b == 0 {
			dst[codePos] = code
			codePos = len(dst)
			dst = append(dst, 0)
			code = 1
			continue
		}
		dst = append(dst, b)
		code++
		if code == 0xFF {
			dst[codePos] = code
			codePos = len(dst)
			dst = append(dst, 0)
			code = 1
		}
	}
	dst[codePos] = code
	return dst
}

// cobsDecoder decodes a byte stream into frames, one byte at a time, the
// way the RTL does (hdl/fs_link_bridge.v): a block of code c carries c-1
// data bytes and, unless c is 0xFF or it ends the frame, an implied 0x00.
type cobsDecoder struct {
	buf         []byte
	remain      int  // data bytes left in the current block
	pendingZero bool // an implied 0x00 to emit if another block follows
	bad         bool // a delimiter arrived inside a block, or overflow
	max         int  // longest decoded frame accepted
}

// push consumes one byte. At a delimiter it returns the decoded frame and
// ok = true when the frame is well formed and non-empty; empty frames
// (filler) and malformed ones return ok = false, with malformed = true for
// the latter.
func (d *cobsDecoder) push(b byte) (frame []byte, ok, malformed bool) {
	if b == 0 {
		frame, bad, empty := d.buf, d.bad || d.remain != 0, len(d.buf) == 0 && !d.bad && d.remain == 0
		d.buf, d.remain, d.pendingZero, d.bad = nil, 0, false, false
		if empty {
			return nil, false, false
		}
		return frame, !bad, bad
	}
	if d.remain == 0 {
		if d.pendingZero {
			d.store(0)
		}
		d.remain = int(b) - 1
		d.pendingZero = b != 0xFF
		return nil, false, false
	}
	d.store(b)
	d.remain--
	return nil, false, false
}

func (d *cobsDecoder) store(b byte) {
	if len(d.buf) >= d.max {
		d.bad = true
		return
	}
	d.buf = append(d.buf, b)
}
