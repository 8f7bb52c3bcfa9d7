// Package spi carries the link protocol (driver/link) over SPI (Linux
// spidev through periph.io). SPI is full duplex and the host owns the
// clock: a Write clocks a request frame out (what the FPGA shifts back at
// the same time is kept), and a Read clocks 0x00 filler bytes and returns
// what the FPGA sent. The bridge's SPI slave sends 0x00 while it has
// nothing to say, and the link's COBS framing reads runs of 0x00 as empty
// frames, so filler costs nothing but clock time. Importing the package
// registers "spi:/dev/spidevB.C" with driver.Open.
package spi

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"time"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/driver/link"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"
	"periph.io/x/host/v3/sysfs"
)

// DefaultSpeed is the SCK rate used by Open.
const DefaultSpeed = 30 * physic.MegaHertz

// Mode is the SPI mode the bridge's slave expects.
const Mode = spi.Mode0

var devRE = regexp.MustCompile(`^/dev/spidev(\d+)\.(\d+)$`)

func init() {
	driver.RegisterOpener("spi", func(arg string) (driver.Transport, error) {
		return Open(arg, DefaultSpeed)
	})
}

// Open opens /dev/spidevB.C at speed and synchronises the link.
func Open(path string, speed physic.Frequency) (*link.Conn, error) {
	m := devRE.FindStringSubmatch(path)
	if m == nil {
		return nil, fmt.Errorf("spi: %q: want spi:/dev/spidevB.C (e.g. spi:/dev/spidev0.0)", path)
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("spi: %s: open: no such file or directory", path)
		}
		return nil, fmt.Errorf("spi: %s: %w", path, err)
	}
	bus, _ := strconv.Atoi(m[1])
	cs, _ := strconv.Atoi(m[2])
	port, err := sysfs.NewSPI(bus, cs)
	if err != nil {
		return nil, fmt.Errorf("spi: %s: open: %w", path, err)
	}
	c, err := OpenPort(port, speed)
	if err != nil {
		port.Close()
		return nil, fmt.Errorf("spi: %s: %w", path, err)
	}
	return c, nil
}

// OpenPort connects to an SPI port (real, or a periph spitest fake) and
// synchronises the link. Closing the returned Conn closes the port.
func OpenPort(port spi.PortCloser, speed physic.Frequency) (*link.Conn, error) {
	conn, err := port.Connect(speed, Mode, 8)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	return link.NewConn(&Pipe{Conn: conn, Port: port})
}

// Pipe is a link.Pipe over an spi.Conn.
type Pipe struct {
	Conn spi.Conn
	Port spi.PortCloser // closed by Close; may be nil
	// PollSize caps the bytes clocked per Read (0: what Conn asks for).
	PollSize int

	deadline time.Time
	rx       []byte // bytes the FPGA sent during Writes, not yet read
}

// Write clocks p out and keeps what came back.
func (p *Pipe) Write(b []byte) (int, error) {
	r := make([]byte, len(b))
	if err := p.Conn.Tx(b, r); err != nil {
		return 0, fmt.Errorf("spi: %w", err)
	}
	p.rx = append(p.rx, r...)
	return len(b), nil
}

func (p *Pipe) SetReadDeadline(t time.Time) error { p.deadline = t; return nil }

// Read returns bytes kept from Writes, else clocks len(b) filler bytes.
func (p *Pipe) Read(b []byte) (int, error) {
	if len(p.rx) > 0 {
		n := copy(b, p.rx)
		p.rx = p.rx[n:]
		return n, nil
	}
	if !p.deadline.IsZero() && time.Now().After(p.deadline) {
		return 0, fmt.Errorf("spi: read: %w", os.ErrDeadlineExceeded)
	}
	n := len(b)
	if p.PollSize > 0 && n > p.PollSize {
		n = p.PollSize
	}
	w := make([]byte, n)
	if err := p.Conn.Tx(w, b[:n]); err != nil {
		return 0, fmt.Errorf("spi: %w", err)
	}
	return n, nil
}

// Close closes the port.
func (p *Pipe) Close() error {
	if p.Port != nil {
		return p.Port.Close()
	}
	return nil
}
