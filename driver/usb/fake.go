package usb

import (
	"context"
	"sync"

	"github.com/flowsteer/flowsteer/driver/link"
)

// FakeEndpoints is an endpoint pair whose far end is an in-memory bridge
// (link.Peer): OUT writes go to the peer, IN reads return its responses,
// and an IN read with nothing queued waits until its context ends, as a
// bulk IN transfer does.
type FakeEndpoints struct {
	mu    sync.Mutex
	cond  chan struct{}
	Peer  *link.Peer
	queue []byte
	// Transfers counts OUT and IN transfers (each one a USB turnaround).
	OutTransfers, InTransfers int
	closed                    bool
}

// NewFakeEndpoints returns a pair talking to a bridge model over regs.
func NewFakeEndpoints(regs link.Registers) *FakeEndpoints {
	return &FakeEndpoints{Peer: link.NewPeer(regs), cond: make(chan struct{}, 1)}
}

func (f *FakeEndpoints) Write(p []byte) (int, error) {
	f.mu.Lock()
	f.OutTransfers++
	f.queue = append(f.queue, f.Peer.Feed(p)...)
	f.mu.Unlock()
	select {
	case f.cond <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (f *FakeEndpoints) ReadContext(ctx context.Context, p []byte) (int, error) {
	for {
		f.mu.Lock()
		if len(f.queue) > 0 {
			n := copy(p, f.queue)
			f.queue = f.queue[n:]
			f.InTransfers++
			f.mu.Unlock()
			return n, nil
		}
		f.mu.Unlock()
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-f.cond:
		}
	}
}

func (f *FakeEndpoints) Close() error {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	return nil
}
