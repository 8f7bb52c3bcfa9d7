package link

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// Registers is the AXI4-Lite side of a Peer. ok = false models an error
// response (SLVERR/DECERR).
type Registers interface {
	ReadReg(addr uint16) (val uint32, ok bool)
	WriteReg(addr uint16, val uint32) (ok bool)
}

// MapRegisters is a register file in a map that counts writes per address
// (so tests can prove a retried write was applied once) and answers
// errors for addresses in Fail.
type MapRegisters struct {
	Vals   map[uint16]uint32
	Writes map[uint16]int
	Fail   func(addr uint16) bool
}

// NewMapRegisters returns an empty register file (every register reads 0).
func NewMapRegisters() *MapRegisters {
	return &MapRegisters{Vals: map[uint16]uint32{}, Writes: map[uint16]int{}}
}

func (m *MapRegisters) ReadReg(addr uint16) (uint32, bool) {
	if m.Fail != nil && m.Fail(addr) {
		return 0, false
	}
	return m.Vals[addr], true
}

func (m *MapRegisters) WriteReg(addr uint16, val uint32) bool {
	if m.Fail != nil && m.Fail(addr) {
		return false
	}
	m.Vals[addr] = val
	m.Writes[addr]++
	return true
}

// Peer is a Go model of hdl/fs_link_bridge.v, byte for byte: the same
// frames dropped, the same responses. Feed it host bytes; it returns the
// bytes the bridge sends back.
type Peer struct {
	Regs Registers

	dec       cobsDecoder
	lastValid bool
	lastSeq   byte
	lastResp  []byte // wire bytes of the last response, replayed on retry

	// Executed counts commands executed (not replayed, not dropped).
	Executed int
	// Replayed counts responses replayed for repeated sequence numbers.
	Replayed int
	// Dropped counts frames dropped: CRC, COBS, length, stale sequence.
	Dropped int
}

// NewPeer returns a bridge model in its reset state.
func NewPeer(regs Registers) *Peer {
	p := &Peer{Regs: regs}
	p.dec.max = MaxRequestLen
	return p
}

// Reset forgets the sequence state and any partial frame, as a bridge
// reset does. (The register file is not touched: model that separately.)
func (p *Peer) Reset() {
	regs := p.Regs
	*p = Peer{Regs: regs, Executed: p.Executed, Replayed: p.Replayed, Dropped: p.Dropped}
	p.dec.max = MaxRequestLen
}

// Feed consumes host bytes and returns the response bytes they caused.
func (p *Peer) Feed(in []byte) []byte {
	var out []byte
	for _, b := range in {
		frame, ok, malformed := p.dec.push(b)
		if malformed {
			p.Dropped++
		}
		if ok {
			out = append(out, p.handle(frame)...)
		}
	}
	return out
}

func (p *Peer) handle(frame []byte) []byte {
	payload, err := checkCRC(frame)
	if err != nil || len(payload) < HeaderLen {
		p.Dropped++
		return nil
	}
	cmd, seq := payload[0], payload[1]
	if cmd != CmdSync && p.lastValid {
		if seq == p.lastSeq {
			p.Replayed++
			return p.lastResp
		}
		if (seq-p.lastSeq)&0x80 != 0 {
			p.Dropped++ // older than the last command: a delayed duplicate
			return nil
		}
	}
	fresh := !p.lastValid
	p.lastValid, p.lastSeq = true, seq
	p.Executed++
	data, status := p.execute(payload)
	if fresh {
		status |= StatusFresh
	}
	p.lastResp = EncodeResponse(Response{Cmd: cmd, Seq: seq, Data: data, Status: status})
	return p.lastResp
}

// execute runs a sequenced, CRC-checked request: exactly the RTL's rules.
func (p *Peer) execute(f []byte) (data []byte, status byte) {
	cmd := f[0]
	addr := uint32(f[2])<<8 | uint32(f[3])
	n := int(f[4]) + 1
	body := f[HeaderLen:]
	var wantBody, limit int
	switch cmd {
	case CmdSync:
		return []byte{ProtocolVersion}, StatusOK
	case CmdRead, CmdRead8:
		wantBody, limit = 0, MaxBytes8
		if cmd == CmdRead {
			limit = MaxWords
		}
	case CmdWrite:
		wantBody, limit = 4*n, MaxWords
	case CmdWrite8:
		wantBody, limit = n, MaxBytes8
	default:
		return nil, StatusBadRequest
	}
	if n > limit || len(body) != wantBody {
		return nil, StatusBadRequest
	}
	if addr%4 != 0 || addr+4*uint32(n) > 0x10000 {
		return nil, StatusBadAddress
	}
	for i := 0; i < n; i++ {
		a := uint16(addr + 4*uint32(i))
		switch cmd {
		case CmdRead, CmdRead8:
			v, ok := p.Regs.ReadReg(a)
			if !ok {
				return data, StatusAXIError
			}
			if cmd == CmdRead {
				data = append(data, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
			} else {
				data = append(data, byte(v))
			}
		case CmdWrite:
			v := uint32(body[4*i])<<24 | uint32(body[4*i+1])<<16 | uint32(body[4*i+2])<<8 | uint32(body[4*i+3])
			if !p.Regs.WriteReg(a, v) {
				return nil, StatusAXIError
			}
		case CmdWrite8:
			if !p.Regs.WriteReg(a, uint32(body[i])) {
				return nil, StatusAXIError
			}
		}
	}
	return data, StatusOK
}

// Loopback is a Pipe whose far end is a Peer, run synchronously: Write
// feeds the peer at once, Read returns its queued bytes, and an empty queue
// is a timeout at once (nothing else could ever arrive), so fault tests
// run in microseconds. The fault hooks see whole writes (one frame per
// Conn attempt) and whole responses.
type Loopback struct {
	mu   sync.Mutex
	Peer *Peer
	out  []byte

	// ToPeer, when set, decides what reaches the peer for the n-th write
	// (n from 0): return nil to drop it, a changed copy to corrupt it,
	// several chunks to duplicate or to release held frames.
	ToPeer func(n int, b []byte) [][]byte
	// ToHost, when set, does the same for the n-th response the peer
	// sends.
	ToHost func(n int, b []byte) [][]byte
	// BeforePeer runs before the n-th write reaches the peer (e.g. to
	// reset it mid-sequence).
	BeforePeer func(n int, p *Peer)

	writes, responses int
	// WireBytes counts every byte that crossed, both directions.
	WireBytes int
}

// NewLoopback returns a fault-free loopback to a fresh peer over regs.
func NewLoopback(regs Registers) *Loopback { return &Loopback{Peer: NewPeer(regs)} }

func (l *Loopback) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.writes
	l.writes++
	if l.BeforePeer != nil {
		l.BeforePeer(n, l.Peer)
	}
	chunks := [][]byte{append([]byte(nil), b...)}
	if l.ToPeer != nil {
		chunks = l.ToPeer(n, chunks[0])
	}
	for _, c := range chunks {
		l.WireBytes += len(c)
		resp := l.Peer.Feed(c)
		if len(resp) == 0 {
			continue
		}
		rs := [][]byte{append([]byte(nil), resp...)}
		if l.ToHost != nil {
			rs = l.ToHost(l.responses, rs[0])
		}
		l.responses++
		for _, r := range rs {
			l.WireBytes += len(r)
			l.out = append(l.out, r...)
		}
	}
	return len(b), nil
}

func (l *Loopback) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.out) == 0 {
		return 0, fmt.Errorf("loopback: %w", os.ErrDeadlineExceeded)
	}
	n := copy(p, l.out)
	l.out = l.out[n:]
	return n, nil
}

func (l *Loopback) SetReadDeadline(time.Time) error { return nil }
