package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/driver/drivertest"
	"github.com/flowsteer/flowsteer/driver/link"
	"github.com/flowsteer/flowsteer/host/table"
	"github.com/flowsteer/flowsteer/sim"
)

// The "sim" opener builds a fresh simulator for every Open, so state does
// not survive from one Run to the next. These test-only transports keep one
// device per name for the whole test process, so a sequence of Runs
// (program, readback, verify, status) acts on one device:
//
//	testsim:NAME[,link]   one Verilated RTL per NAME, register port or link
//	testcsr:NAME[,link]   one drivertest CSR model per NAME
var (
	sharedMu   sync.Mutex
	sharedSims = map[string]*sim.Sim{}
	sharedCSRs = map[string]*countingCSR{}
)

// countingCSR counts every register access, so a test can prove that a
// refused command never touched the device.
type countingCSR struct {
	*drivertest.CSR
	mu     sync.Mutex
	reads  int
	writes int
}

func (c *countingCSR) Read32(a uint32) (uint32, error) {
	c.mu.Lock()
	c.reads++
	c.mu.Unlock()
	return c.CSR.Read32(a)
}

func (c *countingCSR) Write32(a, v uint32) error {
	c.mu.Lock()
	c.writes++
	c.mu.Unlock()
	return c.CSR.Write32(a, v)
}

func (c *countingCSR) WriteBurst(a uint32, vals []uint32) error {
	for i, v := range vals {
		if err := c.Write32(a+4*uint32(i), v); err != nil {
			return err
		}
	}
	return nil
}

func (c *countingCSR) ReadReg(a uint16) (uint32, bool) {
	v, err := c.Read32(uint32(a))
	return v, err == nil
}

func (c *countingCSR) WriteReg(a uint16, v uint32) bool { return c.Write32(uint32(a), v) == nil }

func (c *countingCSR) accesses() (reads, writes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads, c.writes
}

// keepOpen is a transport whose Close leaves the shared device alive.
type keepOpen struct{ driver.Transport }

func (keepOpen) Close() error { return nil }

// linkKeepOpen keeps a link.Conn's burst methods visible to driver.Device.
type linkKeepOpen struct{ *link.Conn }

func (linkKeepOpen) Close() error { return nil }

func splitShared(arg string) (name string, viaLink bool, err error) {
	name, opt, _ := strings.Cut(arg, ",")
	if name == "" || (opt != "" && opt != "link") {
		return "", false, fmt.Errorf("%w: test device %q", driver.ErrBadDevice, arg)
	}
	return name, opt == "link", nil
}

func init() {
	driver.RegisterOpener("testsim", func(arg string) (driver.Transport, error) {
		name, viaLink, err := splitShared(arg)
		if err != nil {
			return nil, err
		}
		key := fmt.Sprintf("%s/%v", name, viaLink)
		sharedMu.Lock()
		defer sharedMu.Unlock()
		s := sharedSims[key]
		if s == nil {
			if s, err = sim.New(sim.Options{ViaLink: viaLink}); err != nil {
				return nil, err
			}
			sharedSims[key] = s
		}
		if !viaLink {
			return keepOpen{s}, nil
		}
		c, err := link.NewConn(s.LinkPipe())
		if err != nil {
			return nil, err
		}
		return linkKeepOpen{c}, nil
	})
	driver.RegisterOpener("testcsr", func(arg string) (driver.Transport, error) {
		name, viaLink, err := splitShared(arg)
		if err != nil {
			return nil, err
		}
		c := testCSR(name)
		if !viaLink {
			return keepOpen{c}, nil
		}
		conn, err := link.NewConn(link.NewLoopback(c))
		if err != nil {
			return nil, err
		}
		return linkKeepOpen{conn}, nil
	})
}

// testCSR returns the CSR model behind testcsr:name, creating it.
func testCSR(name string) *countingCSR {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	c := sharedCSRs[name]
	if c == nil {
		c = &countingCSR{CSR: drivertest.NewCSR()}
		sharedCSRs[name] = c
	}
	return c
}

// simUsable skips when the simulator library was built from the stand-in
// RTL (no register map).
func simUsable(t *testing.T) {
	t.Helper()
	if strings.Contains(sim.BuildInfo(), "standin") {
		t.Skip("sim library built from the stand-in RTL (no register map); run make sim-lib")
	}
}

// privateLocks points the device locks (os.TempDir) at a test directory so
// tests never contend with other processes using the same device names.
func privateLocks(t *testing.T) {
	t.Helper()
	t.Setenv("TMPDIR", t.TempDir())
}

func runDev(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// testTable is a pseudo-random table of bits-wide TM ids.
func testTable(seed uint32, bits int) table.Table {
	var t table.Table
	x := seed*2654435761 + 11
	for i := range t {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		t[i] = uint8(x>>7) & uint8(1<<bits-1)
	}
	return t
}

func writeImage(t *testing.T, dir, name string, part uint8, tab table.Table) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, table.WriteFile(p, table.Image{Partition: part, TMBits: 8, Table: tab}))
	return p
}

func specDefault() table.Table {
	var t table.Table
	for i := range t {
		t[i] = uint8(i % 8) // SPEC 1
	}
	return t
}

func statusJSON(t *testing.T, dev string) map[string]any {
	t.Helper()
	code, out, errs := runDev(t, "status", "--device", dev, "--json")
	require.Equal(t, 0, code, errs)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &m), out)
	return m
}

// TestProgramReadbackVerifyStatus runs the whole table round trip as
// separate commands on one device: the Verilated RTL directly and behind
// the link bridge, and the CSR model directly and behind the link model.
func TestProgramReadbackVerifyStatus(t *testing.T) {
	privateLocks(t)
	for _, dev := range []string{"testsim:seq", "testsim:seq,link", "testcsr:seq", "testcsr:seqlink,link"} {
		t.Run(dev, func(t *testing.T) {
			if strings.HasPrefix(dev, "testsim") {
				simUsable(t)
			}
			dir := t.TempDir()
			want := testTable(uint32(len(dev)), 8)
			img := writeImage(t, dir, "p2.img", 2, want)

			before := statusJSON(t, dev)
			bank0 := before["active_bank"].([]any)[2].(float64)
			rb := filepath.Join(dir, "rb.img")
			code, _, errs := runDev(t, "readback", "-d", dev, "--partition", "2", "-o", rb)
			require.Equal(t, 0, code, errs)
			old, err := table.ReadFile(rb)
			require.NoError(t, err)

			code, out, errs := runDev(t, "program", "--device", dev, "--image", img, "--progress", "never")
			require.Equal(t, 0, code, errs)
			assert.Contains(t, out, "partition 2 programmed")
			assert.Empty(t, errs)

			code, _, errs = runDev(t, "readback", "-d", dev, "--partition", "2", "-o", rb)
			require.Equal(t, 0, code, errs)
			got, err := table.ReadFile(rb)
			require.NoError(t, err)
			assert.Equal(t, want, got.Table, "readback of the active bank is the programmed table")
			assert.Equal(t, uint8(2), got.Partition)

			// After the commit the shadow bank is the table that was active
			// before.
			code, _, errs = runDev(t, "readback", "-d", dev, "--partition", "2", "--bank", "shadow", "-o", rb)
			require.Equal(t, 0, code, errs)
			sh, err := table.ReadFile(rb)
			require.NoError(t, err)
			assert.Equal(t, old.Table, sh.Table)

			code, out, errs = runDev(t, "verify", "-d", dev, "-i", img)
			require.Equal(t, 0, code, errs)
			assert.Contains(t, out, "matches")

			// An image differing in a known set of entries.
			other := want
			diffAt := []int{5, 77, 4095}
			for _, i := range diffAt {
				other[i] ^= 0x10
			}
			otherImg := writeImage(t, dir, "other.img", 2, other)
			code, out, errs = runDev(t, "verify", "-d", dev, "-i", otherImg)
			require.Equal(t, 1, code, errs)
			assert.Contains(t, out, "differs from "+otherImg+" in 3 of 4096 entries")
			for _, i := range diffAt {
				assert.Contains(t, out, fmt.Sprintf("\n%d\t%d\t%d\n", i, want[i], other[i]))
			}
			assert.Contains(t, errs, "3 entries, first at 5")
			assert.Equal(t, 1, strings.Count(errs, "\n"), "one-line error")

			after := statusJSON(t, dev)
			assert.Equal(t, 1-bank0, after["active_bank"].([]any)[2], "the commit flipped partition 2's bank")
			assert.Equal(t, "0x46535452", after["id"])
			assert.Equal(t, false, after["commit_pending"])
			for _, p := range []int{0, 1, 3} {
				assert.Equal(t, before["active_bank"].([]any)[p], after["active_bank"].([]any)[p], "other partitions untouched")
			}
		})
	}
}

// TestProgramRealSimOpener programs through the "sim" opener itself (a
// fresh simulator per command), directly and over the link.
func TestProgramRealSimOpener(t *testing.T) {
	simUsable(t)
	privateLocks(t)
	dir := t.TempDir()
	img := writeImage(t, dir, "p1.img", 1, testTable(3, 8))
	for _, dev := range []string{"sim", "sim:link"} {
		code, out, errs := runDev(t, "program", "-d", dev, "-i", img, "--progress", "never")
		require.Equal(t, 0, code, errs)
		assert.Contains(t, out, dev+": partition 1 programmed")
		assert.Contains(t, out, "active bank 1", "a fresh device's first commit activates bank 1")
		code, out, errs = runDev(t, "status", "-d", dev)
		require.Equal(t, 0, code, errs)
		assert.Regexp(t, `(?m)^partition 1\s+active bank 0$`, out, "a new process-local sim starts from reset")
	}
}

func TestProgramCorruptImageTouchesNothing(t *testing.T) {
	privateLocks(t)
	dir := t.TempDir()
	img := writeImage(t, dir, "p0.img", 0, testTable(4, 8))
	b, err := os.ReadFile(img)
	require.NoError(t, err)
	b[100] ^= 0xFF // an entry: the CRC no longer matches
	require.NoError(t, os.WriteFile(img, b, 0o644))
	csr := testCSR("corrupt")
	active := csr.Table(0, true)
	code, out, errs := runDev(t, "program", "-d", "testcsr:corrupt", "-i", img)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Contains(t, errs, "CRC mismatch")
	assert.Contains(t, errs, "nothing written")
	assert.Equal(t, 1, strings.Count(errs, "\n"))
	reads, writes := csr.accesses()
	assert.Zero(t, writes, "no register written")
	assert.Zero(t, reads, "the device is not even opened")
	assert.Equal(t, active, csr.Table(0, true))

	// Entries wider than the device's TM ids: refused after identification,
	// before any write.
	csr = testCSR("narrow")
	csr.Caps = 4 | 4<<4
	wide := writeImage(t, dir, "wide.img", 0, testTable(5, 8))
	code, _, errs = runDev(t, "program", "-d", "testcsr:narrow", "-i", wide)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "does not fit the device's 4-bit TM ids")
	assert.Contains(t, errs, "not committed")
	_, writes = csr.accesses()
	assert.Zero(t, writes)
}

func TestProgramFailureKeepsActiveTable(t *testing.T) {
	privateLocks(t)
	for _, dev := range []string{"testcsr:stuck", "testcsr:stuck,link"} {
		csr := testCSR("stuck")
		csr.StuckShadow = 999
		want := testTable(6, 8)
		want[999] = csr.Table(3, false)[999] ^ 0x40 // the stuck entry cannot take it
		img := writeImage(t, t.TempDir(), "p3.img", 3, want)
		active := csr.Table(3, true)
		code, _, errs := runDev(t, "program", "-d", dev, "-i", img, "--progress", "never")
		assert.Equal(t, 1, code, dev)
		assert.Contains(t, errs, "verify shadow")
		assert.Contains(t, errs, "first at 999")
		assert.Contains(t, errs, "not committed; the active table is unchanged")
		assert.Equal(t, 1, strings.Count(errs, "\n"))
		assert.Equal(t, active, csr.Table(3, true))
		assert.Zero(t, csr.Writes[driver.RegCommit])
	}
}

func TestProgramDeviceBusy(t *testing.T) {
	privateLocks(t)
	img := writeImage(t, t.TempDir(), "p0.img", 0, testTable(7, 8))
	dev := "testcsr:busy"
	lock, err := driver.LockDevice(dev)
	require.NoError(t, err)
	csr := testCSR("busy")
	code, _, errs := runDev(t, "program", "-d", dev, "-i", img)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "device busy")
	assert.Contains(t, errs, dev)
	reads, writes := csr.accesses()
	assert.Zero(t, reads+writes)
	require.NoError(t, lock.Unlock())
	code, _, errs = runDev(t, "program", "-d", dev, "-i", img, "--progress", "never")
	assert.Equal(t, 0, code, errs)
}

func TestDeviceCommandsAbsentDevices(t *testing.T) {
	privateLocks(t)
	img := writeImage(t, t.TempDir(), "p0.img", 0, testTable(8, 8))
	for _, tc := range []struct{ dev, want string }{
		{"usb:1d50:fff7", "1d50:fff7"},
		{"spi:/dev/spidev9.9", "/dev/spidev9.9"},
		{"pcie:0000:ee:1f.7", "0000:ee:1f.7"},
	} {
		for _, args := range [][]string{
			{"program", "-d", tc.dev, "-i", img},
			{"status", "-d", tc.dev},
			{"readback", "-d", tc.dev, "-o", filepath.Join(t.TempDir(), "x.img")},
		} {
			code, out, errs := runDev(t, args...)
			assert.Equal(t, 1, code, "%v: %s", args, errs)
			assert.Empty(t, out)
			assert.Contains(t, errs, tc.want, args)
			assert.Equal(t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
			assert.NotContains(t, errs, "panic")
		}
	}
}

func TestDeviceCommandsUsageErrors(t *testing.T) {
	privateLocks(t)
	dir := t.TempDir()
	img := writeImage(t, dir, "p0.img", 0, testTable(9, 8))
	out := filepath.Join(dir, "o.img")
	for _, args := range [][]string{
		{"program", "-i", img},
		{"program", "-d", "usb:zz:1", "-i", img},
		{"program", "-d", "usb:1234", "-i", img},
		{"program", "-d", "spi:/dev/ttyS0", "-i", img},
		{"program", "-d", "pcie:01:00.0", "-i", img},
		{"program", "-d", "carrier-pigeon:1", "-i", img},
		{"program", "-d", "sim:", "-i", img},
		{"program", "-d", "sim:bogus", "-i", img},
		{"program", "-d", "testcsr:u"},
		{"program", "-d", "testcsr:u", "-i", img, "--partition", "4"},
		{"program", "-d", "testcsr:u", "-i", img, "extra"},
		{"readback", "-d", "testcsr:u"},
		{"readback", "-d", "testcsr:u", "-o", out, "--bank", "both"},
		{"readback", "-d", "testcsr:u", "-o", out, "--partition", "-1"},
		{"verify", "-d", "testcsr:u"},
		{"verify", "-d", "testcsr:u", "-i", img, "--bank", "x"},
		{"status"},
		{"status", "-d", "usb:"},
		{"configure", "-d", "testcsr:u"},
		{"configure", "-d", "pcie:bogus", "--config", "x.yaml"},
	} {
		code, _, errs := runDev(t, args...)
		assert.Equal(t, 2, code, "%v: %s", args, errs)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "%v: %q", args, errs)
	}
	reads, writes := testCSR("u").accesses()
	assert.Zero(t, reads+writes, "usage errors never reach the device")
}

func TestDeviceCommandsHelp(t *testing.T) {
	for _, c := range []string{"program", "readback", "verify", "status", "configure"} {
		code, out, _ := runDev(t, c, "--help")
		require.Equal(t, 0, code)
		assert.Contains(t, out, "Examples:", c)
		assert.Contains(t, out, "flowsteer "+c+" ", c)
		assert.Contains(t, out, "sim device lives inside the flowsteer process", c)
		assert.Contains(t, out, "device busy", c)
	}
}

func TestProgramPartitionOverrideAndRange(t *testing.T) {
	privateLocks(t)
	dir := t.TempDir()
	want := testTable(10, 8)
	img := writeImage(t, dir, "p0.img", 0, want)
	csr := testCSR("override")
	csr.Caps = 2 | 8<<4 // two partitions
	code, _, errs := runDev(t, "program", "-d", "testcsr:override", "-i", img, "--partition", "1", "--progress", "never")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, [4096]uint8(want), csr.Table(1, true))
	assert.Equal(t, [4096]uint8(specDefault()), csr.Table(0, true), "the image's own partition is not touched")

	_, w0 := csr.accesses()
	code, _, errs = runDev(t, "program", "-d", "testcsr:override", "-i", img, "--partition", "3")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "partition 3 out of range (device has 2)")
	_, w1 := csr.accesses()
	assert.Equal(t, w0, w1)
}
