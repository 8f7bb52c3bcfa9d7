package spi

import (
	"bytes"
	"testing"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/driver/link"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"periph.io/x/conn/v3/spi/spitest"
)

func TestConnOverFakePortRecorded(t *testing.T) {
	regs := link.NewMapRegisters()
	port := NewFakePort(regs)
	port.Latency = 5
	rec := &spitest.Record{Port: port}
	c, err := OpenPort(rec, DefaultSpeed)
	require.NoError(t, err)
	require.NoError(t, c.Write32(0x000C, 0x11223344))
	v, err := c.Read32(0x000C)
	require.NoError(t, err)
	assert.Equal(t, uint32(0x11223344), v)
	table := make([]uint8, 600)
	for i := range table {
		table[i] = uint8(i)
	}
	require.NoError(t, c.WriteBurst8(0x4000, table))
	back, err := c.ReadBurst8(0x4000, len(table))
	require.NoError(t, err)
	assert.Equal(t, table, back)

	// The wire as recorded by periph's spitest: the first transfer is the
	// SYNC frame (leading delimiter + COBS frame), the polls are all 0x00.
	require.NotEmpty(t, rec.Ops)
	sync := append([]byte{0}, link.EncodeRequest(link.Request{Cmd: link.CmdSync, N: 1})...)
	assert.Equal(t, sync, rec.Ops[0].W)
	var polls, frames int
	for _, op := range rec.Ops {
		if bytes.Count(op.W, []byte{0}) == len(op.W) {
			polls++
		} else {
			frames++
		}
	}
	assert.Equal(t, 1+2+3+3, frames, "one transfer per request frame")
	assert.Greater(t, polls, 0)
}

func TestAbsentDevice(t *testing.T) {
	_, err := driver.OpenTransport("spi:/dev/spidev9.7")
	require.EqualError(t, err, "spi: /dev/spidev9.7: open: no such file or directory")
	_, err = driver.OpenTransport("spi:/dev/ttyUSB0")
	assert.ErrorContains(t, err, "want spi:/dev/spidevB.C")
}
