package simdev

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/sim"
)

// ID and SCRATCH from docs/interfaces.md.
const (
	regID      = 0x0000
	regScratch = 0x000C
	idValue    = 0x46535452
)

func TestOpenSimByName(t *testing.T) {
	tr, err := driver.OpenTransport("sim")
	require.NoError(t, err)
	defer tr.Close()
	id, err := tr.Read32(regID)
	require.NoError(t, err)
	assert.Equal(t, uint32(idValue), id)
	require.NoError(t, tr.Write32(regScratch, 0x5EED_F00D))
	v, err := tr.Read32(regScratch)
	require.NoError(t, err)
	assert.Equal(t, uint32(0x5EED_F00D), v)
}

func TestOpenSimOverLink(t *testing.T) {
	if strings.Contains(sim.BuildInfo(), "standin") {
		t.Skip("stand-in bridge does not speak the driver/link protocol")
	}
	tr, err := driver.OpenTransport("sim:link,fst=" + filepath.Join(t.TempDir(), "link.fst"))
	require.NoError(t, err)
	defer tr.Close()
	id, err := tr.Read32(regID)
	require.NoError(t, err)
	assert.Equal(t, uint32(idValue), id)
	for _, v := range []uint32{0xA5A5_5A5A, 0, 0xFFFF_FFFF} {
		require.NoError(t, tr.Write32(regScratch, v))
		got, err := tr.Read32(regScratch)
		require.NoError(t, err)
		assert.Equal(t, v, got)
	}
}

func TestBadOptions(t *testing.T) {
	_, err := driver.OpenTransport("sim:bogus")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bogus")
	_, err = driver.OpenTransport("sim:fst=")
	require.Error(t, err)
}
