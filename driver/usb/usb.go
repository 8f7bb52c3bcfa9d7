// Package usb carries the link protocol (driver/link) over the bulk
// endpoints of a USB FIFO bridge (FT601, FX2/FX3, FT232H in FT245 mode):
// host bytes go to the bulk OUT endpoint, the bridge's bytes come from the
// bulk IN endpoint. Importing the package registers "usb:VID:PID" with
// driver.Open.
//
// libusb sits behind Endpoints, so tests run the whole stack against an
// in-memory bridge model (FakeEndpoints) without cgo devices.
package usb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/driver/link"
	"github.com/google/gousb"
)

// Endpoints is the seam between the link and libusb: one bulk OUT and one
// bulk IN endpoint.
type Endpoints interface {
	Write(p []byte) (int, error)
	// ReadContext reads what the IN endpoint has, waiting until ctx ends.
	ReadContext(ctx context.Context, p []byte) (int, error)
	Close() error
}

// Config selects the device and endpoints. Zero fields take the defaults
// of DefaultConfig.
type Config struct {
	VID, PID  uint16
	Config    int // bConfigurationValue
	Interface int
	Alt       int
	OutEP     int // endpoint number (without the direction bit)
	InEP      int
	// ReadSize is the size of each IN transfer: a multiple of the max
	// packet size (512 at high speed) so a short packet never overflows.
	ReadSize int
}

// DefaultConfig matches an FT601/FX3-style FIFO bridge: configuration 1,
// interface 0 alt 0, bulk OUT 0x02, bulk IN 0x82.
func DefaultConfig(vid, pid uint16) Config {
	return Config{VID: vid, PID: pid, Config: 1, Interface: 0, Alt: 0, OutEP: 2, InEP: 2, ReadSize: 4096}
}

// ParseDevice parses the argument of "usb:VID:PID" (hex, with or without 0x).
func ParseDevice(arg string) (vid, pid uint16, err error) {
	v, p, ok := strings.Cut(arg, ":")
	if !ok {
		return 0, 0, fmt.Errorf("usb: device %q: want usb:VID:PID (hex, e.g. usb:0403:601f)", arg)
	}
	parse := func(s string) (uint16, error) {
		n, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(s), "0x"), 16, 16)
		if err != nil {
			return 0, fmt.Errorf("usb: %q is not a 16-bit hex id (want usb:VID:PID, e.g. usb:0403:601f)", s)
		}
		return uint16(n), nil
	}
	if vid, err = parse(v); err != nil {
		return 0, 0, err
	}
	if pid, err = parse(p); err != nil {
		return 0, 0, err
	}
	return vid, pid, nil
}

func init() {
	driver.RegisterOpener("usb", func(arg string) (driver.Transport, error) {
		vid, pid, err := ParseDevice(arg)
		if err != nil {
			return nil, err
		}
		return Open(DefaultConfig(vid, pid))
	})
}

// Open finds the device, claims the interface and synchronises the link.
func Open(cfg Config) (*link.Conn, error) {
	ep, err := OpenEndpoints(cfg)
	if err != nil {
		return nil, err
	}
	c, err := NewConn(ep, cfg.ReadSize)
	if err != nil {
		ep.Close()
		return nil, err
	}
	return c, nil
}

// NewConn runs the link protocol over an endpoint pair.
func NewConn(ep Endpoints, readSize int) (*link.Conn, error) {
	if readSize <= 0 {
		readSize = 4096
	}
	c, err := link.NewConn(&pipe{ep: ep, buf: make([]byte, readSize)})
	if err != nil {
		return nil, fmt.Errorf("usb: %w", err)
	}
	return c, nil
}

// pipe adapts Endpoints to link.Pipe: deadlines become contexts, and IN
// transfers are read whole into buf (a bulk IN read smaller than the
// packet the device sends would overflow) and served from there.
type pipe struct {
	ep       Endpoints
	deadline time.Time
	buf      []byte
	pending  []byte
}

func (p *pipe) Write(b []byte) (int, error) { return p.ep.Write(b) }

func (p *pipe) SetReadDeadline(t time.Time) error { p.deadline = t; return nil }

func (p *pipe) Read(b []byte) (int, error) {
	if len(p.pending) == 0 {
		ctx, cancel := context.WithDeadline(context.Background(), p.deadline)
		n, err := p.ep.ReadContext(ctx, p.buf)
		cancel()
		if n == 0 && err == nil {
			err = os.ErrDeadlineExceeded
		}
		if err != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, gousb.ErrorTimeout) || errors.Is(err, gousb.TransferCancelled)) {
			err = fmt.Errorf("usb: read: %w", os.ErrDeadlineExceeded)
		}
		p.pending = p.buf[:n]
		if n == 0 {
			return 0, err
		}
	}
	n := copy(b, p.pending)
	p.pending = p.pending[n:]
	return n, nil
}

func (p *pipe) Close() error { return p.ep.Close() }

// gousbEndpoints holds the libusb objects of an open bridge.
type gousbEndpoints struct {
	ctx  *gousb.Context
	dev  *gousb.Device
	cfg  *gousb.Config
	intf *gousb.Interface
	in   *gousb.InEndpoint
	out  *gousb.OutEndpoint
	once sync.Once
}

func (g *gousbEndpoints) Write(p []byte) (int, error) { return g.out.Write(p) }

func (g *gousbEndpoints) ReadContext(ctx context.Context, p []byte) (int, error) {
	return g.in.ReadContext(ctx, p)
}

func (g *gousbEndpoints) Close() error {
	g.once.Do(func() {
		if g.intf != nil {
			g.intf.Close()
		}
		if g.cfg != nil {
			g.cfg.Close()
		}
		if g.dev != nil {
			g.dev.Close()
		}
		if g.ctx != nil {
			g.ctx.Close()
		}
	})
	return nil
}

// newContext wraps gousb.NewContext, which panics when libusb cannot
// initialise (no /dev/bus/usb in a container, for one).
func newContext() (ctx *gousb.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("usb: libusb init: %v", r)
		}
	}()
	return gousb.NewContext(), nil
}

// OpenEndpoints opens the real device through libusb.
func OpenEndpoints(cfg Config) (Endpoints, error) {
	id := fmt.Sprintf("%04x:%04x", cfg.VID, cfg.PID)
	ctx, err := newContext()
	if err != nil {
		return nil, err
	}
	g := &gousbEndpoints{ctx: ctx}
	fail := func(format string, a ...any) (Endpoints, error) {
		g.Close()
		return nil, fmt.Errorf("usb: "+id+": "+format, a...)
	}
	dev, err := ctx.OpenDeviceWithVIDPID(gousb.ID(cfg.VID), gousb.ID(cfg.PID))
	if err != nil {
		return fail("open: %v", err)
	}
	if dev == nil {
		// gousb returns (nil, nil) when no device matches.
		g.Close()
		return nil, fmt.Errorf("usb: no device %s found", id)
	}
	g.dev = dev
	if err := dev.SetAutoDetach(true); err != nil {
		return fail("detach kernel driver: %v", err)
	}
	if g.cfg, err = dev.Config(cfg.Config); err != nil {
		return fail("configuration %d: %v", cfg.Config, err)
	}
	if g.intf, err = g.cfg.Interface(cfg.Interface, cfg.Alt); err != nil {
		return fail("interface %d alt %d: %v", cfg.Interface, cfg.Alt, err)
	}
	if g.out, err = g.intf.OutEndpoint(cfg.OutEP); err != nil {
		return fail("bulk OUT endpoint %d: %v", cfg.OutEP, err)
	}
	if g.in, err = g.intf.InEndpoint(cfg.InEP); err != nil {
		return fail("bulk IN endpoint %d: %v", cfg.InEP, err)
	}
	return g, nil
}
