package usb

import (
	"strings"
	"testing"
	"time"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/driver/link"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDevice(t *testing.T) {
	vid, pid, err := ParseDevice("0403:601f")
	require.NoError(t, err)
	assert.Equal(t, uint16(0x0403), vid)
	assert.Equal(t, uint16(0x601f), pid)
	vid, pid, err = ParseDevice("0x04B4:0x00F1")
	require.NoError(t, err)
	assert.Equal(t, [2]uint16{0x04b4, 0x00f1}, [2]uint16{vid, pid})
	for _, bad := range []string{"", "0403", "0403:xyz", "10000:1", "0403:601f:1"} {
		_, _, err := ParseDevice(bad)
		assert.Error(t, err, bad)
	}
}

func TestConnOverFakeEndpoints(t *testing.T) {
	regs := link.NewMapRegisters()
	ep := NewFakeEndpoints(regs)
	c, err := NewConn(ep, 512)
	require.NoError(t, err)
	c.Timeout = 50 * time.Millisecond
	require.NoError(t, c.Write32(0x000C, 0xA5A55A5A))
	v, err := c.Read32(0x000C)
	require.NoError(t, err)
	assert.Equal(t, uint32(0xA5A55A5A), v)
	table := make([]uint8, 4096)
	for i := range table {
		table[i] = uint8(i * 13)
	}
	require.NoError(t, c.WriteBurst8(0x4000, table))
	back, err := c.ReadBurst8(0x4000, 4096)
	require.NoError(t, err)
	assert.Equal(t, table, back)
	// 1 sync + 2 + 16 writes + 16 reads, one OUT transfer each.
	assert.Equal(t, 35, ep.OutTransfers)
}

// With a silent device the IN read times out through its context and the
// link gives up after its retries instead of hanging.
func TestSilentDeviceTimesOut(t *testing.T) {
	ep := NewFakeEndpoints(link.NewMapRegisters())
	ep.Peer.Regs = nil
	silent := &silentEndpoints{FakeEndpoints: ep}
	start := time.Now()
	_, err := link.NewConn(&pipe{ep: silent, buf: make([]byte, 512)})
	require.ErrorIs(t, err, link.ErrNoResponse)
	assert.Less(t, time.Since(start), 5*time.Second)
}

type silentEndpoints struct{ *FakeEndpoints }

func (s *silentEndpoints) Write(p []byte) (int, error) { return len(p), nil }

// Without the device the error names it (or says libusb is unavailable,
// in a container without USB).
func TestAbsentDevice(t *testing.T) {
	_, err := driver.OpenTransport("usb:1234:5678")
	require.Error(t, err)
	msg := err.Error()
	assert.True(t, msg == "usb: no device 1234:5678 found" || strings.HasPrefix(msg, "usb: libusb init:"), msg)
	assert.NotContains(t, msg, "\n")
	_, err = driver.OpenTransport("usb:nothex")
	assert.ErrorContains(t, err, "want usb:VID:PID")
}
