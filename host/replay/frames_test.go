package replay

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
)

func TestReadFramesFileAndDirectory(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, frames ...[]byte) {
		f, err := os.Create(filepath.Join(dir, name))
		require.NoError(t, err)
		require.NoError(t, capture.WritePcap(f, 1, frames)) // 1 = Ethernet
		require.NoError(t, f.Close())
	}
	a := make([]byte, 60)
	b := make([]byte, 64)
	b[0] = 0xbb
	write("b.pcap", b)
	write("a.pcap", a, a)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a capture"), 0o644))
	cfg := host.DefaultConfig()

	fr, n, err := ReadFrames(filepath.Join(dir, "b.pcap"), cfg)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, [][]byte{b}, fr)

	fr, n, err = ReadFrames(dir, cfg)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "only capture files, not notes.txt")
	assert.Equal(t, [][]byte{a, a, b}, fr, "name order: a.pcap first")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "c.pcap"), []byte("garbage!"), 0o644))
	_, _, err = ReadFrames(dir, cfg)
	assert.ErrorContains(t, err, "c.pcap")

	_, _, err = ReadFrames(t.TempDir(), cfg)
	assert.ErrorContains(t, err, "no frames")
}
