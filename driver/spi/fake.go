package spi

import (
	"fmt"
	"sync"

	"github.com/flowsteer/flowsteer/driver/link"
	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"
)

// FakePort is an spi.PortCloser whose slave is an in-memory bridge
// (link.Peer) behind an SPI slave that answers 0x00 while it has nothing
// to send. Like real hardware, a response can only start after the request
// has been clocked in: bytes MISO carries during a transfer come from what
// was queued before it. Wrap it in spitest.Record to log the wire.
type FakePort struct {
	mu        sync.Mutex
	Peer      *link.Peer
	queue     []byte
	connected bool
	// Latency is how many filler bytes the slave sends before a new
	// response (the bridge's execution time in byte times).
	Latency int
	wait    int
	// Clocked counts every byte time on the bus.
	Clocked int
}

// NewFakePort returns a port whose slave bridges to regs.
func NewFakePort(regs link.Registers) *FakePort { return &FakePort{Peer: link.NewPeer(regs)} }

func (f *FakePort) String() string { return "fake-spi" }

func (f *FakePort) Close() error { return nil }

func (f *FakePort) LimitSpeed(physic.Frequency) error { return nil }

func (f *FakePort) Connect(physic.Frequency, spi.Mode, int) (spi.Conn, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.connected {
		return nil, fmt.Errorf("fake-spi: Connect called twice")
	}
	f.connected = true
	return &fakeConn{f}, nil
}

type fakeConn struct{ f *FakePort }

func (c *fakeConn) String() string      { return "fake-spi" }
func (c *fakeConn) Duplex() conn.Duplex { return conn.Full }
func (c *fakeConn) TxPackets(p []spi.Packet) error {
	for _, pk := range p {
		if err := c.Tx(pk.W, pk.R); err != nil {
			return err
		}
	}
	return nil
}

func (c *fakeConn) Tx(w, r []byte) error {
	if r != nil && len(r) != len(w) {
		return fmt.Errorf("fake-spi: len(w) %d != len(r) %d", len(w), len(r))
	}
	f := c.f
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Clocked += len(w)
	for i := range w {
		var out byte
		if f.wait > 0 {
			f.wait--
		} else if len(f.queue) > 0 {
			out, f.queue = f.queue[0], f.queue[1:]
		}
		if r != nil {
			r[i] = out
		}
	}
	if resp := f.Peer.Feed(w); len(resp) > 0 {
		f.queue = append(f.queue, resp...)
		f.wait = f.Latency
	}
	return nil
}
