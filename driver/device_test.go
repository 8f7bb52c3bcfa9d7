package driver_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/driver/drivertest"
	"github.com/flowsteer/flowsteer/driver/link"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// transports runs a test over the CSR model directly and over the link
// protocol (in-memory bridge), so both the word and the byte-burst paths
// of Device are exercised.
func transports(t *testing.T, f func(t *testing.T, csr *drivertest.CSR, d *driver.Device)) {
	t.Run("direct", func(t *testing.T) {
		csr := drivertest.NewCSR()
		f(t, csr, driver.New(csr, "direct"))
	})
	t.Run("link", func(t *testing.T) {
		csr := drivertest.NewCSR()
		c, err := link.NewConn(link.NewLoopback(csr))
		require.NoError(t, err)
		f(t, csr, driver.New(c, "link"))
	})
}

func randomTable(seed int, bits int) *[driver.TableEntries]uint8 {
	var t [driver.TableEntries]uint8
	x := uint32(seed)*2654435761 + 1
	for i := range t {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		t[i] = uint8(x) & uint8(1<<bits-1)
	}
	return &t
}

func TestCheck(t *testing.T) {
	csr := drivertest.NewCSR()
	id, err := driver.New(csr, "dev").Check()
	require.NoError(t, err)
	assert.Equal(t, driver.Caps{Partitions: 4, TMBits: 8, FlowEnable: true, FlowSetsLog2: 10, FlowWays: 4}, id.Caps)

	csr.ID = 0x12345678
	_, err = driver.New(csr, "dev").Check()
	assert.EqualError(t, err, "dev: not a flowsteer device: ID = 0x12345678, want 0x46535452")
	csr.ID = driver.ResetID
	csr.Version = 0x00020000
	_, err = driver.New(csr, "dev").Check()
	assert.ErrorContains(t, err, "version 2.0 not supported")
}

func TestProgramTable(t *testing.T) {
	transports(t, func(t *testing.T, csr *drivertest.CSR, d *driver.Device) {
		csr.PendingReads = 3
		want := randomTable(1, 8)
		var last [2]int
		calls := 0
		require.NoError(t, d.ProgramTable(2, want, func(done, total int) { last = [2]int{done, total}; calls++ }))
		assert.Equal(t, *want, csr.Table(2, true), "active bank holds the new table")
		assert.Equal(t, uint8(1<<2), csr.ActiveBank)
		assert.Equal(t, [2]int{8192, 8192}, last)
		assert.GreaterOrEqual(t, calls, 2)
		assert.Equal(t, 1, csr.Writes[driver.RegCommit])
		for p := 0; p < 4; p++ {
			if p != 2 {
				assert.Equal(t, uint8(5), csr.Table(p, true)[4093], "partition %d untouched", p)
			}
		}
		got, err := d.ReadTable(2, driver.Active)
		require.NoError(t, err)
		assert.Equal(t, want, got)
		require.NoError(t, d.VerifyTable(2, driver.Active, want))
		// The old table is now the shadow.
		def := randomTable(0, 0)
		for i := range def {
			def[i] = uint8(i % 8)
		}
		require.NoError(t, d.VerifyTable(2, driver.Shadow, def))
	})
}

func TestProgramTableVerifyFailureNeverCommits(t *testing.T) {
	transports(t, func(t *testing.T, csr *drivertest.CSR, d *driver.Device) {
		csr.StuckShadow = 1234
		before := csr.Table(1, true)
		want := randomTable(2, 8)
		want[1234] = before[1234] ^ 0x55 // make sure the stuck entry differs
		err := d.ProgramTable(1, want, nil)
		require.ErrorIs(t, err, driver.ErrNotCommitted)
		var mm *driver.TableMismatch
		require.ErrorAs(t, err, &mm)
		assert.Equal(t, 1234, mm.First)
		assert.Equal(t, 1, mm.Count)
		assert.Zero(t, csr.Writes[driver.RegCommit], "COMMIT never written")
		assert.Equal(t, before, csr.Table(1, true), "active table unchanged")
	})
}

func TestProgramTableLinkFailureNeverCommits(t *testing.T) {
	csr := drivertest.NewCSR()
	lb := link.NewLoopback(csr)
	c, err := link.NewConn(lb)
	require.NoError(t, err)
	c.Retries = 2
	d := driver.New(c, "flaky")
	_, err = d.Check()
	require.NoError(t, err)
	// The link dies in the middle of the shadow writes.
	lb.ToPeer = func(n int, b []byte) [][]byte {
		if n >= 8 {
			return nil
		}
		return [][]byte{b}
	}
	before := csr.Table(0, true)
	err = d.ProgramTable(0, randomTable(3, 8), nil)
	require.ErrorIs(t, err, driver.ErrNotCommitted)
	require.ErrorIs(t, err, link.ErrNoResponse)
	assert.Contains(t, err.Error(), "write shadow")
	assert.Zero(t, csr.Writes[driver.RegCommit])
	assert.Equal(t, before, csr.Table(0, true))
}

func TestProgramTableChecks(t *testing.T) {
	csr := drivertest.NewCSR()
	csr.Caps = csr.Caps&^driver.CapsTMBitsMask | 4<<driver.CapsTMBitsShift
	csr.Caps = csr.Caps&^driver.CapsPartitionsMask | 2
	d := driver.New(csr, "small")
	tbl := randomTable(4, 4)
	tbl[77] = 16
	err := d.ProgramTable(0, tbl, nil)
	assert.ErrorContains(t, err, "entry 77 = 16 does not fit the device's 4-bit TM ids")
	assert.Empty(t, csr.Writes, "nothing written")
	assert.ErrorContains(t, d.ProgramTable(2, randomTable(4, 4), nil), "partition 2 out of range (device has 2)")
	assert.ErrorContains(t, d.ProgramTable(0, nil, nil), "no table")
}

func TestCommitThatNeverSettles(t *testing.T) {
	csr := drivertest.NewCSR()
	d := driver.New(csr, "stuck")
	d.CommitTimeout = 0
	csr.PendingReads = -1
	err := d.ProgramTable(3, randomTable(5, 8), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "committed, but")
	assert.Contains(t, err.Error(), "commit-pending still set")
	assert.False(t, errors.Is(err, driver.ErrNotCommitted))
	// A second program refuses to touch the shadow while pending.
	err = d.ProgramTable(3, randomTable(6, 8), nil)
	require.ErrorIs(t, err, driver.ErrNotCommitted)
	assert.Contains(t, err.Error(), "earlier commit")
}

func TestConfigRegisters(t *testing.T) {
	transports(t, func(t *testing.T, csr *drivertest.CSR, d *driver.Device) {
		// Expected words worked out by hand from docs/interfaces.md.
		require.NoError(t, d.WriteRules([]driver.Rule{{Proto: driver.ProtoTCP, Port: 80, Partition: 2}, {Proto: driver.ProtoAny, Port: 0xFFFF, Partition: 3}}))
		assert.Equal(t, uint32(0x00120050), csr.Regs[0x0060])
		assert.Equal(t, uint32(0x0033FFFF), csr.Regs[0x0064])
		for a := uint32(0x0068); a < 0x0080; a += 4 {
			assert.Zero(t, csr.Regs[a], "rule slot 0x%x disabled", a)
		}
		require.NoError(t, d.WriteMACs([][6]byte{{0x01, 0x02, 0x03, 0x04, 0x05, 0x06}}))
		assert.Equal(t, uint32(0x03040506), csr.Regs[0x0040])
		assert.Equal(t, uint32(0x80000102), csr.Regs[0x0044])
		assert.Zero(t, csr.Regs[0x004C], "MAC 1 invalid")

		var key [driver.KeyBytes]byte
		for i := range key {
			key[i] = byte(i + 1)
		}
		require.NoError(t, d.WriteKey(3, key))
		assert.Equal(t, uint32(0x01020304), csr.Regs[0x01C0])
		assert.Equal(t, uint32(0x25262728), csr.Regs[0x01E4])
		back, err := d.ReadKey(3)
		require.NoError(t, err)
		assert.Equal(t, key, back)
		// Reset key of partition 0 is the Microsoft key of SPEC 1.
		ms, err := d.ReadKey(0)
		require.NoError(t, err)
		assert.Equal(t, "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa", fmt.Sprintf("%x", ms))

		require.NoError(t, d.WriteEqualPortsTM(1, 200))
		assert.Equal(t, uint32(200), csr.Regs[0x0084])
		require.NoError(t, d.SetCtrl(driver.Ctrl{Promiscuous: false, FlowEnable: true}))
		assert.Equal(t, uint32(2), csr.Regs[0x0010])
		ctrl, err := d.Ctrl()
		require.NoError(t, err)
		assert.Equal(t, driver.Ctrl{FlowEnable: true}, ctrl)

		csr.Regs[0x0340+4*8] = 42
		cnt, err := d.Counters()
		require.NoError(t, err)
		assert.Equal(t, uint32(42), cnt.Reason[8])

		assert.ErrorContains(t, d.WriteRules(make([]driver.Rule, 9)), "9 rules, the device holds 8")
		assert.ErrorContains(t, d.WriteRules([]driver.Rule{{Proto: 4}}), "protocol code 4")
		assert.ErrorContains(t, d.WriteMACs(make([][6]byte, 5)), "5 group MACs")
	})
}

func TestDeviceLock(t *testing.T) {
	name := fmt.Sprintf("test:lock-%d", os.Getpid())
	l1, err := driver.LockDevice(name)
	require.NoError(t, err)
	_, err = driver.LockDevice(name)
	require.ErrorIs(t, err, driver.ErrBusy)
	assert.Contains(t, err.Error(), "device busy: locked by pid "+strconv.Itoa(os.Getpid()))
	require.NoError(t, l1.Unlock())
	l2, err := driver.LockDevice(name)
	require.NoError(t, err, "free again after unlock")
	require.NoError(t, l2.Unlock())
	assert.Regexp(t, `flowsteer-test_lock-\d+\.lock$`, driver.LockPath(name))
}

// TestDeviceLockSpellings: every spelling of one board takes one lock, and
// different boards take different ones.
func TestDeviceLockSpellings(t *testing.T) {
	dir := t.TempDir()
	spidev := filepath.Join(dir, "spidev0.0")
	require.NoError(t, os.WriteFile(spidev, nil, 0o644))
	link := filepath.Join(dir, "board")
	require.NoError(t, os.Symlink(spidev, link))
	same := [][]string{
		{"usb:0403:601f", "usb:403:601F", "usb:0x0403:0X601F", " usb:0403:601f "},
		{"pcie:0000:01:00.0", "pcie:01:00.0", "pcie:0000:01:00.0"},
		{"spi:" + spidev, "spi:" + link, "spi:" + dir + "/./spidev0.0"},
	}
	for _, names := range same {
		for _, n := range names[1:] {
			assert.Equal(t, driver.LockPath(names[0]), driver.LockPath(n), "%q vs %q", names[0], n)
		}
	}
	assert.NotEqual(t, driver.LockPath("usb:0403:601f"), driver.LockPath("usb:0403:6010"))
	assert.NotEqual(t, driver.LockPath("pcie:0000:01:00.0"), driver.LockPath("pcie:0001:01:00.0"))
	assert.Equal(t, "usb:nope", driver.CanonicalDevice("usb:nope"), "unparsable names pass through")

	// and the lock itself: held under one spelling, busy under another
	l, err := driver.LockDevice("usb:0403:601f")
	require.NoError(t, err)
	_, err = driver.LockDevice("usb:403:601F")
	require.ErrorIs(t, err, driver.ErrBusy)
	require.NoError(t, l.Unlock())
}

func TestOpen(t *testing.T) {
	csr := drivertest.NewCSR()
	driver.RegisterOpener("testcsr", func(arg string) (driver.Transport, error) {
		if arg != "a" {
			return nil, fmt.Errorf("testcsr: no device %q", arg)
		}
		return csr, nil
	})
	d, err := driver.Open("testcsr:a")
	require.NoError(t, err)
	_, err = driver.Open("testcsr:a")
	assert.ErrorIs(t, err, driver.ErrBusy, "a second open of the same device is locked out")
	require.NoError(t, d.Close())
	d, err = driver.Open("testcsr:a")
	require.NoError(t, err)
	require.NoError(t, d.Close())

	_, err = driver.Open("testcsr:b")
	assert.EqualError(t, err, `testcsr: no device "b"`)
	_, err = driver.Open("sim")
	assert.ErrorContains(t, err, `transport "sim" is not linked into this program`)
	_, err = driver.Open("bogus:1")
	assert.ErrorContains(t, err, `unknown transport "bogus"`)
	_, err = driver.Open("")
	assert.ErrorContains(t, err, "empty")
}
