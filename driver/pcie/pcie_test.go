package pcie

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func tempBAR(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "resource0")
	require.NoError(t, os.WriteFile(path, make([]byte, BARSize), 0o644))
	return path
}

// Accesses land in the file at the register's offset, little-endian as
// the host CPU stores them; reading the file independently proves it.
func TestBARMappedFromFile(t *testing.T) {
	path := tempBAR(t)
	b, err := OpenFile(path)
	require.NoError(t, err)
	require.NoError(t, b.Write32(0x000C, 0xCAFEF00D))
	require.NoError(t, b.WriteBurst(0x4000, []uint32{1, 2, 3}))
	v, err := b.Read32(0x000C)
	require.NoError(t, err)
	assert.Equal(t, uint32(0xCAFEF00D), v)
	vals, err := b.ReadBurst(0x4000, 3)
	require.NoError(t, err)
	assert.Equal(t, []uint32{1, 2, 3}, vals)
	require.NoError(t, b.Close())

	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, uint32(0xCAFEF00D), binary.LittleEndian.Uint32(raw[0x0C:]))
	assert.Equal(t, uint32(3), binary.LittleEndian.Uint32(raw[0x4008:]))
}

func TestBARRejectsBadAccesses(t *testing.T) {
	b, err := OpenFile(tempBAR(t))
	require.NoError(t, err)
	defer b.Close()
	assert.ErrorContains(t, b.Write32(0x0002, 1), "not an aligned register")
	_, err = b.Read32(0x10000)
	assert.ErrorContains(t, err, "not an aligned register")
	assert.ErrorContains(t, b.WriteBurst(0xFFFC, []uint32{1, 2}), "run past")
}

func TestSmallFileRejected(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resource0")
	require.NoError(t, os.WriteFile(path, make([]byte, 4096), 0o644))
	_, err := OpenFile(path)
	assert.ErrorContains(t, err, "needs 65536")
}

func TestOpenBySysfsName(t *testing.T) {
	root := t.TempDir()
	old := SysfsRoot
	SysfsRoot = root
	defer func() { SysfsRoot = old }()
	dir := filepath.Join(root, "0000:01:00.0")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "resource0"), make([]byte, BARSize), 0o644))
	tr, err := driver.OpenTransport("pcie:0000:01:00.0")
	require.NoError(t, err)
	require.NoError(t, tr.Write32(0, 7))
	require.NoError(t, tr.Close())

	_, err = driver.OpenTransport("pcie:0000:02:00.0")
	require.EqualError(t, err, "pcie: no device 0000:02:00.0 ("+root+"/0000:02:00.0/resource0 does not exist)")
	_, err = driver.OpenTransport("pcie:1:0.0")
	assert.ErrorContains(t, err, "want pcie:DDDD:BB:DD.F")
}
