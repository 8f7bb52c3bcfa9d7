package table

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func sampleImage(t require.TestingT) Image {
	tab, err := Weighted([]float64{1, 2, 3, 4, 5})
	require.NoError(t, err)
	return Image{Partition: 2, TMBits: 3, Table: tab}
}

func TestImageLayoutByteOffsets(t *testing.T) {
	// Written from docs/image-format.md, not from Encode's constants.
	img := sampleImage(t)
	b := Encode(img)
	require.Len(t, b, 4108)
	assert.Equal(t, []byte("FSTB"), b[0:4])
	assert.Equal(t, []byte{1, 0}, b[4:6])
	assert.Equal(t, byte(2), b[6])
	assert.Equal(t, byte(3), b[7])
	for i := 0; i < 4096; i++ {
		require.Equal(t, img.Table[i], b[8+i])
	}
	assert.Equal(t, crc32.ChecksumIEEE(b[:4104]), binary.LittleEndian.Uint32(b[4104:]))
}

func TestImageRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		bits := rapid.IntRange(1, 8).Draw(t, "bits")
		img := Image{Partition: uint8(rapid.IntRange(0, 3).Draw(t, "p")), TMBits: uint8(bits)}
		for i := range img.Table {
			img.Table[i] = uint8(rapid.IntRange(0, 1<<bits-1).Draw(t, "e"))
		}
		got, err := Decode(Encode(img))
		require.NoError(t, err)
		require.Equal(t, img, got)
	})
}

func TestImageEverySingleByteFlipRefused(t *testing.T) {
	good := Encode(sampleImage(t))
	for i := range good {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			b := bytes.Clone(good)
			b[i] ^= mask
			_, err := Decode(b)
			require.Error(t, err, "flip %#x at byte %d accepted", mask, i)
		}
	}
}

func TestImageEveryTruncationRefused(t *testing.T) {
	good := Encode(sampleImage(t))
	for n := 0; n < len(good); n++ {
		_, err := Decode(good[:n])
		require.Error(t, err, "truncated to %d", n)
		if n >= 8 {
			require.ErrorContains(t, err, "truncated")
		}
	}
}

func TestImageTrailingBytesRefused(t *testing.T) {
	good := Encode(sampleImage(t))
	for _, extra := range [][]byte{{0}, []byte("junk"), make([]byte, 4108)} {
		_, err := Decode(append(bytes.Clone(good), extra...))
		require.ErrorContains(t, err, "trailing")
	}
}

// reseal recomputes the CRC so a test can reach the field checks.
func reseal(b []byte) []byte {
	binary.LittleEndian.PutUint32(b[4104:], crc32.ChecksumIEEE(b[:4104]))
	return b
}

func TestImageFieldErrors(t *testing.T) {
	good := Encode(sampleImage(t))
	cases := []struct {
		name string
		edit func(b []byte)
		msg  string
	}{
		{"magic", func(b []byte) { b[0] = 'X' }, "bad magic"},
		{"version", func(b []byte) { b[4] = 2 }, "unsupported table image version 2"},
		{"partition", func(b []byte) { b[6] = 4 }, "partition 4 out of range"},
		{"bits0", func(b []byte) { b[7] = 0 }, "TM width 0 bits out of range 1..8"},
		{"bits9", func(b []byte) { b[7] = 9 }, "TM width 9 bits out of range"},
		{"entry", func(b []byte) { b[8+1234] = 8 }, "entry 1234 is TM 8, which does not fit in 3 bits"},
	}
	for _, c := range cases {
		b := bytes.Clone(good)
		c.edit(b)
		_, err := Decode(reseal(b))
		assert.ErrorContains(t, err, c.msg, c.name)
	}
	b := bytes.Clone(good)
	b[100] ^= 1
	_, err := Decode(b)
	assert.ErrorContains(t, err, "CRC mismatch: stored")
}

func TestImageOutOfRangeEntriesEveryWidth(t *testing.T) {
	for bits := 1; bits < 8; bits++ {
		img := Image{TMBits: uint8(bits)}
		img.Table[4095] = uint8(1 << bits)
		_, err := Decode(Encode(img))
		require.ErrorContains(t, err, "entry 4095 is TM "+strconv.Itoa(1<<bits))
		require.Error(t, img.Validate())
	}
}

func TestWriteFileAtomicAndValidated(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "p0.img")
	img := sampleImage(t)
	require.NoError(t, WriteFile(p, img))
	got, err := ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, img, got)

	// an invalid image leaves the old file alone and no temp file behind
	bad := img
	bad.TMBits = 1
	require.Error(t, WriteFile(p, bad))
	got, err = ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, img, got)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)

	// the error from a damaged file names the file
	require.NoError(t, os.WriteFile(p, []byte("FSTB"), 0o644))
	_, err = ReadFile(p)
	assert.ErrorContains(t, err, p)
	assert.ErrorContains(t, err, "truncated")
}

func TestHexExport(t *testing.T) {
	tab, err := Weighted(make256())
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, WriteHex(&buf, tab))
	sc := bufio.NewScanner(&buf)
	i := 0
	for sc.Scan() {
		line := sc.Text()
		require.Regexp(t, `^[0-9a-f]{2}$`, line)
		v, err := strconv.ParseUint(line, 16, 8)
		require.NoError(t, err)
		require.Equal(t, tab[i], uint8(v), "line %d", i+1)
		i++
	}
	require.Equal(t, 4096, i)
}

func make256() []float64 {
	w := make([]float64, 256)
	for i := range w {
		w[i] = 1
	}
	return w
}

func TestMinTMBits(t *testing.T) {
	var tab Table
	assert.Equal(t, uint8(1), MinTMBits(tab))
	tab[3] = 1
	assert.Equal(t, uint8(1), MinTMBits(tab))
	tab[3] = 2
	assert.Equal(t, uint8(2), MinTMBits(tab))
	tab[3] = 255
	assert.Equal(t, uint8(8), MinTMBits(tab))
	assert.Equal(t, uint8(3), MinTMBits(Default()))
}
