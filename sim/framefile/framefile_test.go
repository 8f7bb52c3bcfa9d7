package framefile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.bin")
	frames := [][]byte{{}, {1}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, make([]byte, 1514)}
	require.NoError(t, Write(p, frames))
	got, err := Read(p)
	require.NoError(t, err)
	assert.Equal(t, frames, got)

	// the layout is what fs_bench.cpp parses: magic, version, count, len
	raw, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, []byte("FSFR\x01\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00"), raw[:16])
}

func TestReadRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	bad := map[string][]byte{
		"magic":     []byte("XXXX\x01\x00\x00\x00\x00\x00\x00\x00"),
		"truncated": []byte("FSFR\x01\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\xaa"),
		"huge":      []byte("FSFR\x01\x00\x00\x00\x01\x00\x00\x00\xff\xff\xff\x7f"),
		"short":     []byte("FS"),
	}
	for name, b := range bad {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		_, err := Read(p)
		assert.Errorf(t, err, "%s should fail", name)
	}
}
