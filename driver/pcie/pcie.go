// Package pcie reaches the registers through BAR 0 of a PCIe endpoint,
// mapped from /sys/bus/pci/devices/<BDF>/resource0. Every access is one
// aligned 32-bit load or store (sync/atomic on *uint32, so the compiler can
// neither split nor merge it): the AXI4-Lite slave behind the BAR takes
// 32-bit accesses only. Importing the package registers "pcie:BDF" with
// driver.Open.
package pcie

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/flowsteer/flowsteer/driver"
)

// BARSize is the register window: 16-bit byte addresses.
const BARSize = 0x10000

var bdfRE = regexp.MustCompile(`^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$`)

// SysfsRoot is where PCI devices are listed (a variable for tests).
var SysfsRoot = "/sys/bus/pci/devices"

func init() {
	driver.RegisterOpener("pcie", func(arg string) (driver.Transport, error) { return Open(arg) })
}

// BAR is a mapped register window.
type BAR struct {
	name string
	f    *os.File
	mem  []byte
}

// Open maps BAR 0 of the device with bus/device/function bdf
// (DDDD:BB:DD.F, as lspci -D prints it).
func Open(bdf string) (*BAR, error) {
	if !bdfRE.MatchString(bdf) {
		return nil, fmt.Errorf("pcie: %q: want pcie:DDDD:BB:DD.F (e.g. pcie:0000:01:00.0)", bdf)
	}
	path := SysfsRoot + "/" + bdf + "/resource0"
	b, err := OpenFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("pcie: no device %s (%s does not exist)", bdf, path)
		}
		return nil, fmt.Errorf("pcie: %s: %w", bdf, err)
	}
	b.name = bdf
	return b, nil
}

// OpenFile maps the first BARSize bytes of a file: a sysfs resource file,
// or a plain file standing in for the BAR in tests.
func OpenFile(path string) (*BAR, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_SYNC, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.Size() < BARSize {
		f.Close()
		return nil, fmt.Errorf("%s: %d bytes, the register window needs %d", path, st.Size(), BARSize)
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, BARSize, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: mmap: %w", path, err)
	}
	return &BAR{name: path, f: f, mem: mem}, nil
}

func (b *BAR) word(addr uint32) (*uint32, error) {
	if b.mem == nil {
		return nil, fmt.Errorf("pcie: %s: closed", b.name)
	}
	if addr%4 != 0 || addr > BARSize-4 {
		return nil, fmt.Errorf("pcie: %s: address 0x%x is not an aligned register below 0x%x", b.name, addr, BARSize)
	}
	return (*uint32)(unsafe.Pointer(&b.mem[addr])), nil
}

// Read32 is one 32-bit load.
func (b *BAR) Read32(addr uint32) (uint32, error) {
	p, err := b.word(addr)
	if err != nil {
		return 0, err
	}
	return atomic.LoadUint32(p), nil
}

// Write32 is one 32-bit store.
func (b *BAR) Write32(addr, val uint32) error {
	p, err := b.word(addr)
	if err != nil {
		return err
	}
	atomic.StoreUint32(p, val)
	return nil
}

// WriteBurst stores consecutive registers in address order.
func (b *BAR) WriteBurst(addr uint32, vals []uint32) error {
	if uint64(addr)+4*uint64(len(vals)) > BARSize {
		return fmt.Errorf("pcie: %s: %d registers from 0x%x run past 0x%x", b.name, len(vals), addr, BARSize)
	}
	for i, v := range vals {
		if err := b.Write32(addr+4*uint32(i), v); err != nil {
			return err
		}
	}
	return nil
}

// ReadBurst loads consecutive registers.
func (b *BAR) ReadBurst(addr uint32, n int) ([]uint32, error) {
	if uint64(addr)+4*uint64(n) > BARSize {
		return nil, fmt.Errorf("pcie: %s: %d registers from 0x%x run past 0x%x", b.name, n, addr, BARSize)
	}
	out := make([]uint32, n)
	for i := range out {
		v, err := b.Read32(addr + 4*uint32(i))
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// Close unmaps the window.
func (b *BAR) Close() error {
	if b.mem == nil {
		return nil
	}
	err := syscall.Munmap(b.mem)
	b.mem = nil
	if cerr := b.f.Close(); err == nil {
		err = cerr
	}
	return err
}
