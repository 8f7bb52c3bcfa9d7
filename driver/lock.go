package driver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// DeviceLock is an exclusive advisory lock (flock) on a per-device file, so
// two programs cannot interleave register sequences (TABLE_SEL + window
// writes + COMMIT) on one device.
type DeviceLock struct {
	f    *os.File
	path string
}

// ErrBusy is returned (wrapped) when another process holds the lock.
var ErrBusy = errors.New("device busy")

// CanonicalDevice is the one spelling of a device name that LockPath uses,
// so that every way of naming one board takes the same lock:
//
//	usb:VID:PID   ids as 4 lower-case hex digits (usb:403:601F, usb:0x0403:0x601f -> usb:0403:601f)
//	pcie:BDF      lower case, domain 0000 added when absent (pcie:01:00.0 -> pcie:0000:01:00.0)
//	spi:PATH      cleaned, symbolic links resolved when the path exists
//
// Names that do not parse are returned trimmed but otherwise as given: the
// transport reports what is wrong with them.
func CanonicalDevice(dev string) string {
	dev = strings.TrimSpace(dev)
	scheme, arg, ok := strings.Cut(dev, ":")
	if !ok {
		return dev
	}
	switch scheme {
	case "usb":
		v, p, ok := strings.Cut(arg, ":")
		vid, verr := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(v), "0x"), 16, 16)
		pid, perr := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(p), "0x"), 16, 16)
		if ok && verr == nil && perr == nil {
			return fmt.Sprintf("usb:%04x:%04x", vid, pid)
		}
	case "pcie":
		bdf := strings.ToLower(arg)
		if strings.Count(bdf, ":") == 1 {
			bdf = "0000:" + bdf
		}
		return "pcie:" + bdf
	case "spi":
		p := filepath.Clean(arg)
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		return "spi:" + p
	}
	return dev
}

// LockPath is the lock file of a device name: os.TempDir()/flowsteer-<dev>.lock,
// dev in its CanonicalDevice spelling with every character outside
// [A-Za-z0-9._-] replaced by '_'.
func LockPath(dev string) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			return r
		}
		return '_'
	}, CanonicalDevice(dev))
	return filepath.Join(os.TempDir(), "flowsteer-"+clean+".lock")
}

// LockDevice takes the lock of dev without waiting. When another process
// holds it, the error says "device busy: locked by pid N".
func LockDevice(dev string) (*DeviceLock, error) {
	path := LockPath(dev)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("device %s: lock: %w", dev, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := "another process"
		if b, rerr := os.ReadFile(path); rerr == nil {
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil {
				holder = "pid " + strconv.Itoa(pid)
			}
		}
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: locked by %s (%s)", ErrBusy, holder, path)
		}
		return nil, fmt.Errorf("device %s: lock %s: %w", dev, path, err)
	}
	// The pid is informational (the flock is the lock), written after the
	// lock is held so a reader never sees a half-written competitor's pid.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &DeviceLock{f: f, path: path}, nil
}

// Unlock releases the lock. The file stays: removing it would let a third
// process lock a fresh inode while a second still waits on the old one.
func (l *DeviceLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := l.f.Close() // closing drops the flock
	l.f = nil
	return err
}
