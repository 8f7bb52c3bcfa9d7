package link

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Pipe is the byte stream under a Conn: USB bulk OUT/IN endpoints, an SPI
// device (Write clocks the frame out, Read clocks filler 0x00 and returns
// what came back), an in-memory peer, or the Verilated bridge's rx/tx
// byte streams.
type Pipe interface {
	io.Writer
	// Read returns at least one byte, or an error wrapping
	// os.ErrDeadlineExceeded when the read deadline passes first. Conn
	// sizes p to the bytes it still expects, so a polling pipe (SPI) can
	// clock exactly that many.
	io.Reader
	SetReadDeadline(t time.Time) error
}

// ErrPeerReset reports that the bridge lost its state (reset) since the
// last exchange: a retried command may have been applied twice and every
// register may be back at its reset value. The command itself completed.
var ErrPeerReset = errors.New("link: the bridge was reset since the last command (device state may be lost)")

// ErrNoResponse wraps the error after the last retry.
var ErrNoResponse = errors.New("no valid response")

// Stats count what a Conn put on and took off the link.
type Stats struct {
	Commands  int // commands completed (with any status)
	Attempts  int // frames sent, retries included
	Retries   int // attempts beyond the first
	Timeouts  int // attempts that saw no matching response in time
	BadFrames int // received frames dropped: CRC or COBS error
	Stale     int // valid frames with the wrong sequence number or command
	TxBytes   int // bytes written to the pipe
	RxBytes   int // bytes read from the pipe (filler included)
}

// Conn is the host end of a link. Not safe for concurrent use.
type Conn struct {
	p   Pipe
	seq byte
	dec cobsDecoder
	buf []byte

	// Timeout bounds the wait for each attempt's response.
	Timeout time.Duration
	// Retries is how many times a command is re-sent after a timeout or a
	// corrupted response (so 1+Retries attempts in all).
	Retries int
	Stats   Stats
}

// minPoll is the smallest Read a Conn asks for while it waits for a
// response to start.
const minPoll = 64

// Defaults for NewConn.
const (
	DefaultTimeout = 200 * time.Millisecond
	DefaultRetries = 4
)

// NewConn wraps a pipe and synchronises with the bridge (SYNC), so a
// sequence number left over from an earlier session cannot be mistaken
// for a retry.
func NewConn(p Pipe) (*Conn, error) {
	c := &Conn{p: p, Timeout: DefaultTimeout, Retries: DefaultRetries, seq: 0}
	c.dec.max = MaxResponseLen + 8
	if err := c.Sync(); err != nil {
		return nil, err
	}
	return c, nil
}

// Sync resets the bridge's sequence state and checks the protocol version.
func (c *Conn) Sync() error {
	resp, err := c.exchange(Request{Cmd: CmdSync, N: 1}, 1)
	if err != nil {
		return err
	}
	if resp.Data[0] != ProtocolVersion {
		return fmt.Errorf("link: bridge speaks protocol version %d, want %d", resp.Data[0], ProtocolVersion)
	}
	return nil
}

// Close closes the pipe when it is an io.Closer.
func (c *Conn) Close() error {
	if cl, ok := c.p.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

// exchange sends one request and returns its checked response, retrying
// on timeouts and corrupted or missing responses with the same sequence
// number (the bridge replays rather than re-executes).
func (c *Conn) exchange(r Request, wantData int) (Response, error) {
	if r.Cmd != CmdSync {
		c.seq++
	}
	r.Seq = c.seq
	wire := EncodeRequest(r)
	for attempt := 0; attempt <= c.Retries; attempt++ {
		out := wire
		if attempt > 0 || r.Cmd == CmdSync {
			// A leading delimiter ends whatever partial frame a lost byte
			// left in the bridge's decoder.
			out = append([]byte{0}, wire...)
			if attempt > 0 {
				c.Stats.Retries++
			}
		}
		c.Stats.Attempts++
		if _, err := c.p.Write(out); err != nil {
			return Response{}, fmt.Errorf("link: %s 0x%04x: %w", cmdName(r.Cmd), r.Addr, err)
		}
		c.Stats.TxBytes += len(out)
		resp, err := c.await(r, wantData)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			c.Stats.Timeouts++
			continue
		}
		if err != nil {
			return Response{}, fmt.Errorf("link: %s 0x%04x: %w", cmdName(r.Cmd), r.Addr, err)
		}
		c.Stats.Commands++
		if resp.Status&0x0F != StatusOK {
			return resp, &StatusError{Cmd: r.Cmd, Addr: r.Addr, Status: resp.Status}
		}
		if len(resp.Data) != wantData {
			return resp, fmt.Errorf("link: %s 0x%04x: response carries %d data bytes, want %d", cmdName(r.Cmd), r.Addr, len(resp.Data), wantData)
		}
		if resp.Status&StatusFresh != 0 && r.Cmd != CmdSync {
			return resp, fmt.Errorf("%s 0x%04x: %w", cmdName(r.Cmd), r.Addr, ErrPeerReset)
		}
		return resp, nil
	}
	return Response{}, fmt.Errorf("link: %s 0x%04x: %w after %d attempts (%d timeouts, %d corrupted and %d stale frames so far)",
		cmdName(r.Cmd), r.Addr, ErrNoResponse, c.Retries+1, c.Stats.Timeouts, c.Stats.BadFrames, c.Stats.Stale)
}

// await reads until the response to r arrives or the deadline passes.
func (c *Conn) await(r Request, wantData int) (Response, error) {
	if err := c.p.SetReadDeadline(time.Now().Add(c.Timeout)); err != nil {
		return Response{}, err
	}
	// Expected wire length of the response: payload + CRC + COBS codes +
	// delimiter. A polling pipe (SPI) clocks as many bytes as Read asks
	// for, so ask for what is still missing of a response in flight, and
	// while none has started, for at least minPoll bytes: on SPI a
	// transfer costs more than clocking a few dozen filler bytes.
	expect := 2 + wantData + 1 + CRCLen + 2 + 1
	if cap(c.buf) < max(expect, minPoll) {
		c.buf = make([]byte, max(expect, minPoll))
	}
	started, got := false, 0
	for {
		size := max(expect, minPoll)
		if started {
			size = max(1, expect-got)
		}
		n, err := c.p.Read(c.buf[:size])
		c.Stats.RxBytes += n
		for _, b := range c.buf[:n] {
			switch {
			case b != 0:
				started = true
				got++
			case started: // a frame ended (a stale or bad one, else we return)
				started, got = false, 0
			}
		}
		for _, b := range c.buf[:n] {
			frame, ok, malformed := c.dec.push(b)
			if malformed {
				c.Stats.BadFrames++
			}
			if !ok {
				continue
			}
			payload, cerr := checkCRC(frame)
			if cerr != nil {
				c.Stats.BadFrames++
				continue
			}
			resp, perr := parseResponse(payload)
			if perr != nil {
				c.Stats.BadFrames++
				continue
			}
			if resp.Seq != r.Seq || resp.Cmd != r.Cmd {
				c.Stats.Stale++ // a late reply to an earlier attempt or command
				continue
			}
			// Bytes after the response in this read can only be filler or
			// a duplicate reply; the decoder keeps its state for them.
			return resp, nil
		}
		if err != nil {
			return Response{}, err
		}
	}
}

func checkBurst(addr uint32, n, limit int) error {
	if addr%4 != 0 {
		return fmt.Errorf("link: address 0x%x is not 32-bit aligned", addr)
	}
	if uint64(addr)+4*uint64(n) > 0x10000 {
		return fmt.Errorf("link: %d registers from 0x%x run past 0xFFFF", n, addr)
	}
	return nil
}

// Read32 reads one register.
func (c *Conn) Read32(addr uint32) (uint32, error) {
	v, err := c.ReadBurst(addr, 1)
	if err != nil {
		return 0, err
	}
	return v[0], nil
}

// Write32 writes one register.
func (c *Conn) Write32(addr, val uint32) error {
	return c.WriteBurst(addr, []uint32{val})
}

// WriteBurst writes consecutive registers, MaxWords per frame.
func (c *Conn) WriteBurst(addr uint32, vals []uint32) error {
	if err := checkBurst(addr, len(vals), MaxWords); err != nil {
		return err
	}
	for len(vals) > 0 {
		n := min(len(vals), MaxWords)
		data := make([]byte, 4*n)
		for i, v := range vals[:n] {
			data[4*i], data[4*i+1], data[4*i+2], data[4*i+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
		}
		if _, err := c.exchange(Request{Cmd: CmdWrite, Addr: uint16(addr), N: n, Data: data}, 0); err != nil {
			return err
		}
		vals = vals[n:]
		addr += 4 * uint32(n)
	}
	return nil
}

// ReadBurst reads n consecutive registers, MaxWords per frame.
func (c *Conn) ReadBurst(addr uint32, n int) ([]uint32, error) {
	if err := checkBurst(addr, n, MaxWords); err != nil {
		return nil, err
	}
	out := make([]uint32, 0, n)
	for n > 0 {
		k := min(n, MaxWords)
		resp, err := c.exchange(Request{Cmd: CmdRead, Addr: uint16(addr), N: k}, 4*k)
		if err != nil {
			return nil, err
		}
		for i := 0; i < k; i++ {
			d := resp.Data[4*i:]
			out = append(out, uint32(d[0])<<24|uint32(d[1])<<16|uint32(d[2])<<8|uint32(d[3]))
		}
		n -= k
		addr += 4 * uint32(k)
	}
	return out, nil
}

// WriteBurst8 writes consecutive registers with one byte each (the value
// zero-extended), MaxBytes8 per frame: 4 times denser than WriteBurst for
// the 8-bit table windows.
func (c *Conn) WriteBurst8(addr uint32, vals []uint8) error {
	if err := checkBurst(addr, len(vals), MaxBytes8); err != nil {
		return err
	}
	for len(vals) > 0 {
		n := min(len(vals), MaxBytes8)
		if _, err := c.exchange(Request{Cmd: CmdWrite8, Addr: uint16(addr), N: n, Data: vals[:n]}, 0); err != nil {
			return err
		}
		vals = vals[n:]
		addr += 4 * uint32(n)
	}
	return nil
}

// ReadBurst8 reads the low byte of n consecutive registers.
func (c *Conn) ReadBurst8(addr uint32, n int) ([]uint8, error) {
	if err := checkBurst(addr, n, MaxBytes8); err != nil {
		return nil, err
	}
	out := make([]uint8, 0, n)
	for n > 0 {
		k := min(n, MaxBytes8)
		resp, err := c.exchange(Request{Cmd: CmdRead8, Addr: uint16(addr), N: k}, k)
		if err != nil {
			return nil, err
		}
		out = append(out, resp.Data...)
		n -= k
		addr += 4 * uint32(k)
	}
	return out, nil
}
