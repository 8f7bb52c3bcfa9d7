package simdev

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/driver"
)

// A named simulator keeps its registers across Close and re-Open in one
// process, directly and over the link; an unnamed one starts fresh.
func TestNamedSimulatorIsShared(t *testing.T) {
	a, err := Open("name=shared-test")
	require.NoError(t, err)
	require.NoError(t, a.Write32(driver.RegScratch, 0x5a5aa5a5))
	require.NoError(t, a.Close())

	b, err := Open("link,name=shared-test")
	require.NoError(t, err)
	v, err := b.Read32(driver.RegScratch)
	require.NoError(t, err)
	require.Equal(t, uint32(0x5a5aa5a5), v)
	require.NoError(t, b.Close())

	c, err := Open("")
	require.NoError(t, err)
	defer c.Close()
	v, err = c.Read32(driver.RegScratch)
	require.NoError(t, err)
	require.Zero(t, v, "a fresh simulator has SCRATCH at reset")
}

func TestBadOptionsAreBadDeviceNames(t *testing.T) {
	for _, arg := range []string{"bogus", "fst=", "name="} {
		_, err := Open(arg)
		require.True(t, errors.Is(err, driver.ErrBadDevice), "%s: %v", arg, err)
	}
}
