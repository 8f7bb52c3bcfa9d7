package link

import (
	"bytes"
	"errors"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Published check values (Greg Cook's CRC catalogue): CRC-16/CCITT-FALSE
// and CRC-16/GENIBUS (the same with xorout 0xFFFF), and GENIBUS's residue.
func TestCRC16CheckValue(t *testing.T) {
	assert.Equal(t, uint16(0x29B1), crc16(crcInit, []byte("123456789")))
	assert.Equal(t, uint16(0xD64E), frameCRC([]byte("123456789")))
	assert.Equal(t, uint16(0x1D0F), uint16(crcResidue))
	// A good frame leaves the residue; the same frame with 0x00 appended
	// does not (the weakness of a zero residue).
	msg := []byte("123456789\xD6\x4E")
	assert.Equal(t, uint16(crcResidue), crc16(crcInit, msg))
	assert.NotEqual(t, uint16(crcResidue), crc16(crcInit, append(msg, 0)))
}

// Examples from the COBS paper / Wikipedia article.
func TestCOBSKnownEncodings(t *testing.T) {
	seq := func(from, to int) []byte {
		var b []byte
		for i := from; i <= to; i++ {
			b = append(b, byte(i))
		}
		return b
	}
	cases := []struct{ in, want []byte }{
		{[]byte{0x00}, []byte{0x01, 0x01}},
		{[]byte{0x00, 0x00}, []byte{0x01, 0x01, 0x01}},
		{[]byte{0x00, 0x11, 0x00}, []byte{0x01, 0x02, 0x11, 0x01}},
		{[]byte{0x11, 0x22, 0x00, 0x33}, []byte{0x03, 0x11, 0x22, 0x02, 0x33}},
		{[]byte{0x11, 0x22, 0x33, 0x44}, []byte{0x05, 0x11, 0x22, 0x33, 0x44}},
		{[]byte{0x11, 0x00, 0x00, 0x00}, []byte{0x02, 0x11, 0x01, 0x01, 0x01}},
		{append([]byte{0x00}, seq(1, 0xFE)...), append(append([]byte{0x01, 0xFF}, seq(1, 0xFE)...), 0x01)},
		{seq(1, 0xFF), append(append([]byte{0xFF}, seq(1, 0xFE)...), 0x02, 0xFF)},
	}
	for _, c := range cases {
		got := cobsEncode(nil, c.in)
		assert.Equal(t, c.want, got, "encode % x", c.in[:min(len(c.in), 8)])
		assert.Equal(t, c.in, decodeAll(t, append(got, 0)), "decode")
	}
	// Wikipedia's encoding of 01..FE omits the empty last block that ours
	// emits; the decoder must accept both.
	assert.Equal(t, seq(1, 0xFE), decodeAll(t, append(append([]byte{0xFF}, seq(1, 0xFE)...), 0x00)))
}

func decodeAll(t *testing.T, wire []byte) []byte {
	t.Helper()
	d := cobsDecoder{max: 1 << 16}
	var got []byte
	n := 0
	for _, b := range wire {
		if f, ok, bad := d.push(b); ok {
			got = f
			n++
		} else {
			require.False(t, bad, "malformed")
		}
	}
	require.Equal(t, 1, n, "frames decoded")
	return got
}

func TestCOBSRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := rapid.SliceOfN(rapid.Byte(), 1, 700).Draw(t, "in")
		enc := cobsEncode(nil, in)
		if bytes.IndexByte(enc, 0) >= 0 {
			t.Fatalf("encoding contains 0x00")
		}
		if len(enc) > len(in)+1+len(in)/254+1 {
			t.Fatalf("overhead %d for %d bytes", len(enc)-len(in), len(in))
		}
		d := cobsDecoder{max: 1 << 16}
		var got []byte
		for _, b := range append(enc, 0) {
			if f, ok, _ := d.push(b); ok {
				got = f
			}
		}
		if !bytes.Equal(in, got) {
			t.Fatalf("round trip differs")
		}
	})
}

// A frame truncated by a lost byte is malformed or fails its CRC; it never
// decodes as a valid frame with a good CRC.
func TestLostByteIsDetected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		data := rapid.SliceOfN(rapid.Byte(), 1, 64).Draw(t, "data")
		wire := EncodeRequest(Request{Cmd: CmdWrite8, Seq: 7, Addr: 0x4000, N: len(data), Data: data})
		k := rapid.IntRange(0, len(wire)-2).Draw(t, "k") // keep the delimiter
		cut := append(append([]byte(nil), wire[:k]...), wire[k+1:]...)
		d := cobsDecoder{max: MaxRequestLen}
		for _, b := range cut {
			if f, ok, _ := d.push(b); ok {
				if _, err := checkCRC(f); err == nil {
					t.Fatalf("frame with byte %d lost passed the CRC", k)
				}
			}
		}
	})
}

func newTestConn(t *testing.T) (*Conn, *Loopback, *MapRegisters) {
	t.Helper()
	regs := NewMapRegisters()
	lb := NewLoopback(regs)
	c, err := NewConn(lb)
	require.NoError(t, err)
	c.Retries = 3
	return c, lb, regs
}

func TestConnReadWrite(t *testing.T) {
	c, lb, regs := newTestConn(t)
	require.NoError(t, c.Write32(0x000C, 0xDEADBEEF))
	assert.Equal(t, uint32(0xDEADBEEF), regs.Vals[0x000C])
	regs.Vals[0x0010] = 0x01020304
	v, err := c.Read32(0x0010)
	require.NoError(t, err)
	assert.Equal(t, uint32(0x01020304), v)

	// 100 words need two WRITE frames (64 + 36).
	words := make([]uint32, 100)
	for i := range words {
		words[i] = uint32(i)*0x01010101 ^ 0xA5000000
	}
	before := lb.Peer.Executed
	require.NoError(t, c.WriteBurst(0x1000, words))
	assert.Equal(t, 2, lb.Peer.Executed-before)
	for i, w := range words {
		assert.Equal(t, w, regs.Vals[uint16(0x1000+4*i)])
	}
	got, err := c.ReadBurst(0x1000, 100)
	require.NoError(t, err)
	assert.Equal(t, words, got)

	// Byte bursts: zero-extended words, 300 entries = 256 + 44.
	table := make([]uint8, 300)
	for i := range table {
		table[i] = uint8(i * 7)
	}
	require.NoError(t, c.WriteBurst8(0x4000, table))
	for i, b := range table {
		assert.Equal(t, uint32(b), regs.Vals[uint16(0x4000+4*i)])
	}
	regs.Vals[0x4004] |= 0xFFFFFF00 // READ8 returns only the low byte
	back, err := c.ReadBurst8(0x4000, 300)
	require.NoError(t, err)
	assert.Equal(t, table, back)
	assert.Zero(t, c.Stats.Retries)
}

func TestConnRejectsBadAddressesLocally(t *testing.T) {
	c, lb, _ := newTestConn(t)
	sent := lb.writes
	assert.ErrorContains(t, c.Write32(0x0002, 1), "not 32-bit aligned")
	assert.ErrorContains(t, c.WriteBurst(0xFFF8, make([]uint32, 4)), "past 0xFFFF")
	_, err := c.ReadBurst8(0xFFFC, 2)
	assert.ErrorContains(t, err, "past 0xFFFF")
	assert.Equal(t, sent, lb.writes, "nothing sent")
}

// The bridge checks too: a hand-made bad request gets a status, not silence.
func TestPeerStatusCodes(t *testing.T) {
	p := NewPeer(NewMapRegisters())
	require.NotEmpty(t, p.Feed(EncodeRequest(Request{Cmd: CmdSync, Seq: 0, N: 1})))
	cases := []struct {
		req  Request
		want byte
	}{
		{Request{Cmd: 0x7F, Seq: 1, N: 1}, StatusBadRequest},
		{Request{Cmd: CmdWrite, Seq: 2, Addr: 0x10, N: 2, Data: make([]byte, 4)}, StatusBadRequest},
		{Request{Cmd: CmdRead, Seq: 3, Addr: 0x10, N: 65}, StatusBadRequest},
		{Request{Cmd: CmdRead, Seq: 4, Addr: 0x12, N: 1}, StatusBadAddress},
		{Request{Cmd: CmdWrite8, Seq: 5, Addr: 0xFFFC, N: 2, Data: []byte{1, 2}}, StatusBadAddress},
		{Request{Cmd: CmdRead8, Seq: 6, Addr: 0xFFFC, N: 1}, StatusOK},
	}
	for _, c := range cases {
		resp := p.Feed(EncodeRequest(c.req))
		r := decodeResponse(t, resp)
		assert.Equal(t, c.want, r.Status, "cmd 0x%02x n %d", c.req.Cmd, c.req.N)
	}
}

func decodeResponse(t *testing.T, wire []byte) Response {
	t.Helper()
	f := decodeAll(t, wire)
	p, err := checkCRC(f)
	require.NoError(t, err)
	r, err := parseResponse(p)
	require.NoError(t, err)
	return r
}

func TestAXIErrorIsReportedNotRetried(t *testing.T) {
	c, lb, regs := newTestConn(t)
	regs.Fail = func(a uint16) bool { return a == 0x0108 }
	err := c.WriteBurst(0x0100, []uint32{1, 2, 3, 4})
	var se *StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, byte(StatusAXIError), se.Status)
	assert.ErrorContains(t, err, "AXI error")
	assert.Zero(t, c.Stats.Retries)
	// Stopped at the failing word: the one after it was not written.
	assert.Equal(t, 1, regs.Writes[0x0104])
	assert.Zero(t, regs.Writes[0x010C])
	_ = lb
}

// faultCase injects one fault into the exchange of a Write32 and checks it
// is detected, retried, and applied exactly once.
func TestFaultsAreRetriedAndAppliedOnce(t *testing.T) {
	flip := func(b []byte, i int) []byte {
		c := append([]byte(nil), b...)
		c[i%len(c)] ^= 0x10
		return c
	}
	drop := func(b []byte, i int) []byte {
		i %= len(b) - 1 // keep the delimiter so the next frame starts clean
		return append(append([]byte(nil), b[:i]...), b[i+1:]...)
	}
	cases := map[string]struct {
		toPeer   func(n int, b []byte) [][]byte
		toHost   func(n int, b []byte) [][]byte
		replayed int // responses the peer must have replayed
	}{
		"dropped request byte": {toPeer: func(n int, b []byte) [][]byte {
			if n == 0 {
				return [][]byte{drop(b, 3)}
			}
			return [][]byte{b}
		}},
		"bit flip in request": {toPeer: func(n int, b []byte) [][]byte {
			if n == 0 {
				return [][]byte{flip(b, 5)}
			}
			return [][]byte{b}
		}},
		"request lost entirely": {toPeer: func(n int, b []byte) [][]byte {
			if n == 0 {
				return nil
			}
			return [][]byte{b}
		}},
		"dropped response byte": {toHost: func(n int, b []byte) [][]byte {
			if n == 0 {
				return [][]byte{drop(b, 2)}
			}
			return [][]byte{b}
		}, replayed: 1},
		"bit flip in response": {toHost: func(n int, b []byte) [][]byte {
			if n == 0 {
				return [][]byte{flip(b, 4)}
			}
			return [][]byte{b}
		}, replayed: 1},
		"response lost entirely": {toHost: func(n int, b []byte) [][]byte {
			if n == 0 {
				return nil
			}
			return [][]byte{b}
		}, replayed: 1},
		"duplicated request": {toPeer: func(n int, b []byte) [][]byte {
			if n == 0 {
				return [][]byte{b, b}
			}
			return [][]byte{b}
		}, replayed: 1},
		"duplicated response": {toHost: func(n int, b []byte) [][]byte {
			if n == 0 {
				return [][]byte{b, b}
			}
			return [][]byte{b}
		}},
		// The first attempt is held back and arrives after the retry: the
		// peer sees the same sequence number twice and replays.
		"reordered request": {toPeer: func() func(n int, b []byte) [][]byte {
			var held []byte
			return func(n int, b []byte) [][]byte {
				switch n {
				case 0:
					held = b
					return nil
				case 1:
					return [][]byte{b, held}
				}
				return [][]byte{b}
			}
		}(), replayed: 1},
		"garbage before the frame": {toPeer: func(n int, b []byte) [][]byte {
			if n == 0 {
				return [][]byte{append([]byte{0x13, 0x37, 0xFF, 0x02}, b...)}
			}
			return [][]byte{b}
		}},
	}
	for name, fc := range cases {
		t.Run(name, func(t *testing.T) {
			c, lb, regs := newTestConn(t)
			lb.writes, lb.responses = 0, 0 // count from the Write32 below
			lb.ToPeer, lb.ToHost = fc.toPeer, fc.toHost
			replayedBefore := lb.Peer.Replayed
			require.NoError(t, c.Write32(0x000C, 0x12345678))
			lb.ToPeer, lb.ToHost = nil, nil
			assert.Equal(t, uint32(0x12345678), regs.Vals[0x000C])
			assert.Equal(t, 1, regs.Writes[0x000C], "applied exactly once")
			assert.Equal(t, fc.replayed, lb.Peer.Replayed-replayedBefore, "replays")
			// The link is healthy afterwards, and late duplicates of the
			// faulty exchange are filtered.
			require.NoError(t, c.Write32(0x0010, 0xCAFE))
			v, err := c.Read32(0x0010)
			require.NoError(t, err)
			assert.Equal(t, uint32(0xCAFE), v)
			assert.Equal(t, 1, regs.Writes[0x0010])
		})
	}
}

// A duplicate delivered much later (after newer commands) is stale: the
// peer drops it instead of writing an old value over a newer one.
func TestLateDuplicateIsDropped(t *testing.T) {
	c, lb, regs := newTestConn(t)
	var saved []byte
	lb.ToPeer = func(n int, b []byte) [][]byte {
		if saved == nil {
			saved = b
		}
		return [][]byte{b}
	}
	require.NoError(t, c.Write32(0x000C, 1)) // saved: this frame
	lb.ToPeer = nil
	require.NoError(t, c.Write32(0x000C, 2))
	dropped := lb.Peer.Dropped
	_, err := lb.Write(saved) // the old frame arrives again
	require.NoError(t, err)
	assert.Equal(t, dropped+1, lb.Peer.Dropped)
	assert.Equal(t, uint32(2), regs.Vals[0x000C])
	v, err := c.Read32(0x000C)
	require.NoError(t, err)
	assert.Equal(t, uint32(2), v)
}

func TestPeerResetIsReported(t *testing.T) {
	t.Run("between commands", func(t *testing.T) {
		c, lb, regs := newTestConn(t)
		require.NoError(t, c.Write32(0x000C, 1))
		lb.writes = 0
		lb.BeforePeer = func(n int, p *Peer) {
			if n == 0 {
				p.Reset()
			}
		}
		err := c.Write32(0x000C, 2)
		require.ErrorIs(t, err, ErrPeerReset)
		assert.Equal(t, uint32(2), regs.Vals[0x000C], "the command itself ran")
		lb.BeforePeer = nil
		require.NoError(t, c.Write32(0x000C, 3), "the link recovers")
	})
	t.Run("between a lost response and its retry", func(t *testing.T) {
		c, lb, regs := newTestConn(t)
		lb.writes, lb.responses = 0, 0
		lb.ToHost = func(n int, b []byte) [][]byte {
			if n == 0 {
				return nil
			}
			return [][]byte{b}
		}
		lb.BeforePeer = func(n int, p *Peer) {
			if n == 1 {
				p.Reset()
			}
		}
		err := c.Write32(0x000C, 7)
		// Applied twice because the bridge forgot; the host must hear of it.
		require.ErrorIs(t, err, ErrPeerReset)
		assert.Equal(t, 2, regs.Writes[0x000C])
	})
	t.Run("partial frame then reset", func(t *testing.T) {
		c, lb, regs := newTestConn(t)
		lb.writes = 0
		lb.ToPeer = func(n int, b []byte) [][]byte {
			if n == 0 {
				return [][]byte{b[:len(b)/2]} // half a frame, then the bridge resets
			}
			return [][]byte{b}
		}
		lb.BeforePeer = func(n int, p *Peer) {
			if n == 1 {
				p.Reset()
			}
		}
		err := c.Write32(0x000C, 9)
		require.ErrorIs(t, err, ErrPeerReset)
		assert.Equal(t, 1, regs.Writes[0x000C])
	})
}

func TestDeadLinkGivesUp(t *testing.T) {
	c, lb, regs := newTestConn(t)
	lb.ToPeer = func(int, []byte) [][]byte { return nil }
	err := c.Write32(0x000C, 1)
	require.ErrorIs(t, err, ErrNoResponse)
	assert.ErrorContains(t, err, "after 4 attempts")
	assert.Zero(t, regs.Writes[0x000C])
	assert.Equal(t, 3, c.Stats.Retries)
}

// Random faults of every kind at a high rate: every write lands exactly
// once and every read returns the register's value.
func TestRandomFaultSoak(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	regs := NewMapRegisters()
	lb := NewLoopback(regs)
	c, err := NewConn(lb)
	require.NoError(t, err)
	c.Retries = 20
	mangle := func(b []byte) [][]byte {
		switch rng.Intn(10) {
		case 0:
			return nil
		case 1:
			i := rng.Intn(len(b) - 1)
			return [][]byte{append(append([]byte(nil), b[:i]...), b[i+1:]...)}
		case 2:
			c := append([]byte(nil), b...)
			c[rng.Intn(len(c))] ^= byte(1 << rng.Intn(8))
			return [][]byte{c}
		case 3:
			return [][]byte{b, b}
		}
		return [][]byte{b}
	}
	lb.ToPeer = func(_ int, b []byte) [][]byte { return mangle(b) }
	lb.ToHost = func(_ int, b []byte) [][]byte { return mangle(b) }
	want := map[uint16]uint32{}
	writes := map[uint16]int{}
	for i := 0; i < 2000; i++ {
		a := uint16(4 * rng.Intn(16))
		if rng.Intn(2) == 0 {
			v := rng.Uint32()
			require.NoError(t, c.Write32(uint32(a), v), "op %d", i)
			want[a] = v
			writes[a]++
		} else {
			v, err := c.Read32(uint32(a))
			require.NoError(t, err, "op %d", i)
			require.Equal(t, want[a], v, "op %d addr 0x%x", i, a)
		}
	}
	assert.Equal(t, writes, regs.Writes, "every write applied exactly once")
	assert.Greater(t, c.Stats.Retries, 100)
	assert.Greater(t, c.Stats.BadFrames+c.Stats.Timeouts, 100)
	t.Logf("stats %+v, peer replayed %d dropped %d", c.Stats, lb.Peer.Replayed, lb.Peer.Dropped)
}

func TestStatusErrorText(t *testing.T) {
	err := error(&StatusError{Cmd: CmdWrite, Addr: 0x18, Status: StatusBadAddress})
	assert.Equal(t, "write 0x0018: bridge reports bad address (unaligned or past 0xFFFF)", err.Error())
	assert.False(t, errors.Is(err, ErrNoResponse))
}
