package driver

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Transport is what every way of reaching the registers provides: the link
// protocol over USB or SPI, a PCIe BAR, or the Verilated RTL.
type Transport interface {
	Read32(addr uint32) (uint32, error)
	Write32(addr, val uint32) error
	// WriteBurst writes vals to consecutive addresses addr, addr+4, ...
	WriteBurst(addr uint32, vals []uint32) error
	Close() error
}

// BurstReader is implemented by transports that read consecutive registers
// in one exchange (the link protocol); Device falls back to Read32 otherwise.
type BurstReader interface {
	ReadBurst(addr uint32, n int) ([]uint32, error)
}

// ByteBurster is implemented by transports that can move only the low byte
// of each register (the link protocol's WRITE8/READ8): table windows hold
// 8-bit entries, so this quadruples the table rate on a byte link.
type ByteBurster interface {
	WriteBurst8(addr uint32, vals []uint8) error
	ReadBurst8(addr uint32, n int) ([]uint8, error)
}

// Opener opens a transport from the part of a device name after "scheme:"
// ("" for a bare "sim").
type Opener func(arg string) (Transport, error)

var (
	openersMu sync.Mutex
	openers   = map[string]Opener{}
)

// RegisterOpener makes Open understand "scheme" and "scheme:arg". Transport
// packages call it from init() (driver/usb, driver/spi, driver/pcie, and
// sim/ for "sim"), so driver itself links no cgo; a program links the
// transports it wants with blank imports (driver/all links the board ones).
func RegisterOpener(scheme string, open Opener) {
	openersMu.Lock()
	defer openersMu.Unlock()
	if _, dup := openers[scheme]; dup {
		panic("driver: transport registered twice: " + scheme)
	}
	openers[scheme] = open
}

// Schemes lists the registered transport names, sorted.
func Schemes() []string {
	openersMu.Lock()
	defer openersMu.Unlock()
	names := make([]string, 0, len(openers))
	for n := range openers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// knownSchemes are the transports of the DEV syntax, for a helpful error
// when one of them is not linked into the program.
var knownSchemes = map[string]string{
	"sim":  "github.com/flowsteer/flowsteer/sim/simdev",
	"usb":  "github.com/flowsteer/flowsteer/driver/usb",
	"spi":  "github.com/flowsteer/flowsteer/driver/spi",
	"pcie": "github.com/flowsteer/flowsteer/driver/pcie",
}

// ErrBadDevice marks a device name that does not parse.
var ErrBadDevice = errors.New("bad device name")

// SplitDevice splits "scheme:arg" (sim, usb:VID:PID, spi:/dev/spidevB.C,
// pcie:0000:01:00.0).
func SplitDevice(dev string) (scheme, arg string, err error) {
	dev = strings.TrimSpace(dev)
	if dev == "" {
		return "", "", fmt.Errorf("%w: empty (want sim, usb:VID:PID, spi:/dev/spidevB.C or pcie:DDDD:BB:DD.F)", ErrBadDevice)
	}
	scheme, arg, _ = strings.Cut(dev, ":")
	return scheme, arg, nil
}

// OpenTransport opens the transport named by dev without taking the device
// lock (Open does both).
func OpenTransport(dev string) (Transport, error) {
	scheme, arg, err := SplitDevice(dev)
	if err != nil {
		return nil, err
	}
	openersMu.Lock()
	open, ok := openers[scheme]
	openersMu.Unlock()
	if !ok {
		if pkg, known := knownSchemes[scheme]; known {
			return nil, fmt.Errorf("device %q: transport %q is not linked into this program (import %s)", dev, scheme, pkg)
		}
		return nil, fmt.Errorf("%w %q: unknown transport %q (want sim, usb:VID:PID, spi:/dev/spidevB.C or pcie:DDDD:BB:DD.F)", ErrBadDevice, dev, scheme)
	}
	return open(arg)
}
