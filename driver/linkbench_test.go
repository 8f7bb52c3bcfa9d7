package driver_test

import (
	"testing"
	"time"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/driver/drivertest"
	"github.com/flowsteer/flowsteer/driver/link"
	"github.com/flowsteer/flowsteer/driver/spi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"periph.io/x/conn/v3/physic"
	periphspi "periph.io/x/conn/v3/spi"
)

// Link timing assumptions (docs/link-protocol.md, "Throughput"):
const (
	// Bridge: 2 clock cycles per table entry with a zero-wait CSR, as
	// testbench/link measures, at a 50 MHz bridge clock.
	bridgeCyclesPerEntry = 2
	bridgeClockHz        = 50e6
	// SPI: 30 MHz SCK, and a fixed cost per spidev transfer (ioctl and
	// chip-select turnaround on a Linux host).
	spiClockHz     = 30e6
	spiPerTransfer = 30 * time.Microsecond
	// USB 2.0 high speed: 480 Mb/s raw; an FT232H/FT601-class FIFO bridge
	// sustains about 35 MB/s of bulk payload, and a synchronous
	// request/response round trip costs about two 125 us microframes.
	usbBytesPerSec = 35e6
	usbRoundTrip   = 250 * time.Microsecond
)

// linkFigures programs and verifies one 4096-entry table over the link
// protocol and counts what crossed: the write phase alone, and the whole
// ProgramTable (write, readback, commit, status polls).
type linkFigures struct {
	writeWire, totalWire int // bytes, both directions
	commands             int // request/response exchanges in ProgramTable
}

func measureLink(t testing.TB) linkFigures {
	csr := drivertest.NewCSR()
	lb := link.NewLoopback(csr)
	c, err := link.NewConn(lb)
	require.NoError(t, err)
	d := driver.New(c, "bench")
	_, err = d.Check()
	require.NoError(t, err)
	tbl := randomTable(9, 8)

	// The write phase alone, exactly as ProgramTable issues it.
	start := lb.WireBytes
	require.NoError(t, c.WriteBurst8(driver.RegTableShadowBase, tbl[:]))
	f := linkFigures{writeWire: lb.WireBytes - start}

	start, cmds := lb.WireBytes, c.Stats.Commands
	require.NoError(t, d.ProgramTable(1, tbl, nil))
	f.totalWire = lb.WireBytes - start
	f.commands = c.Stats.Commands - cmds
	require.Zero(t, c.Stats.Retries)
	return f
}

// The efficiency target: table payload bytes / link bytes >= 80% for the
// write of a 4096-entry table by bursts.
func TestLinkEfficiency(t *testing.T) {
	f := measureLink(t)
	eff := float64(driver.TableEntries) / float64(f.writeWire)
	t.Logf("write 4096 entries: %d link bytes, efficiency %.1f%%", f.writeWire, 100*eff)
	t.Logf("program + verify + commit: %d link bytes in %d exchanges, %.1f%%", f.totalWire, f.commands, 100*2*float64(driver.TableEntries)/float64(f.totalWire))
	assert.GreaterOrEqual(t, eff, 0.80)
	// The readback doubles the payload; still efficient overall.
	assert.GreaterOrEqual(t, 2*float64(driver.TableEntries)/float64(f.totalWire), 0.80)
}

// spiProgramTime runs ProgramTable over the SPI transport with a fake
// slave whose response latency is the bridge's execution time, and
// converts clocked bytes and transfers into time.
func spiProgramTime(t testing.TB) (clocked, transfers int, d time.Duration) {
	csr := drivertest.NewCSR()
	port := spi.NewFakePort(csr)
	// A 256-entry burst keeps the bridge busy this many SPI byte times.
	latency := float64(256*bridgeCyclesPerEntry) / bridgeClockHz * spiClockHz / 8
	port.Latency = int(latency) + 1
	counter := &countingPort{FakePort: port}
	c, err := spi.OpenPort(counter, spi.DefaultSpeed)
	require.NoError(t, err)
	dev := driver.New(c, "spi-bench")
	_, err = dev.Check()
	require.NoError(t, err)
	before, tx0 := port.Clocked, counter.transfers()
	require.NoError(t, dev.ProgramTable(0, randomTable(10, 8), nil))
	clocked = port.Clocked - before
	transfers = counter.transfers() - tx0
	d = time.Duration(float64(clocked)*8/spiClockHz*float64(time.Second)) + time.Duration(transfers)*spiPerTransfer
	return clocked, transfers, d
}

func usbProgramTime(f linkFigures) time.Duration {
	return time.Duration(float64(f.totalWire)/usbBytesPerSec*float64(time.Second)) + time.Duration(f.commands)*usbRoundTrip
}

// countingPort counts SPI transfers (each one a spidev ioctl).
type countingPort struct {
	*spi.FakePort
	n *int
}

func (c *countingPort) transfers() int {
	if c.n == nil {
		return 0
	}
	return *c.n
}

func (c *countingPort) Connect(f physic.Frequency, m periphspi.Mode, bits int) (periphspi.Conn, error) {
	conn, err := c.FakePort.Connect(f, m, bits)
	if err != nil {
		return nil, err
	}
	n := 0
	c.n = &n
	return &countingConn{Conn: conn, n: c.n}, nil
}

type countingConn struct {
	periphspi.Conn
	n *int
}

func (c *countingConn) Tx(w, r []byte) error { *c.n++; return c.Conn.Tx(w, r) }

func TestLinkProgramTimes(t *testing.T) {
	f := measureLink(t)
	clocked, transfers, spiTime := spiProgramTime(t)
	usbTime := usbProgramTime(f)
	t.Logf("SPI 30 MHz: %d bytes clocked in %d transfers: %v to program + verify a 4096-entry table", clocked, transfers, spiTime.Round(10*time.Microsecond))
	t.Logf("USB 2.0 HS: %d bytes, %d round trips: %v", f.totalWire, f.commands, usbTime.Round(10*time.Microsecond))
	// Loose ceilings that catch a regression to word-sized table bursts.
	assert.Less(t, spiTime, 20*time.Millisecond)
	assert.Less(t, usbTime, 20*time.Millisecond)
}

func BenchmarkLinkProgramTable(b *testing.B) {
	var f linkFigures
	for i := 0; i < b.N; i++ {
		f = measureLink(b)
	}
	clocked, _, spiTime := spiProgramTime(b)
	b.ReportMetric(100*float64(driver.TableEntries)/float64(f.writeWire), "write-eff-%")
	b.ReportMetric(float64(f.totalWire), "link-bytes/program")
	b.ReportMetric(float64(clocked), "spi-bytes-clocked/program")
	b.ReportMetric(float64(spiTime.Microseconds())/1000, "spi30MHz-ms/program")
	b.ReportMetric(float64(usbProgramTime(f).Microseconds())/1000, "usbHS-ms/program")
}
