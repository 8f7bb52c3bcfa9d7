package replay

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
	"github.com/flowsteer/flowsteer/host/table"
)

// l4Frame builds Ethernet / IPv4 / TCP-or-UDP bytes by hand (independent
// of the model's parser): 14 + 20 + 20 bytes.
func l4Frame(udp bool, src, dst [4]byte, sport, dport uint16) []byte {
	b := []byte{0x02, 0, 0, 0, 0, 0x01, 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x08, 0x00}
	ip := make([]byte, 20)
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], 40)
	ip[8] = 64
	ip[9] = 6
	if udp {
		ip[9] = 17
	}
	copy(ip[12:], src[:])
	copy(ip[16:], dst[:])
	l4 := make([]byte, 20)
	binary.BigEndian.PutUint16(l4[0:], sport)
	binary.BigEndian.PutUint16(l4[2:], dport)
	return append(append(b, ip...), l4...)
}

func writeCapture(t *testing.T, frames [][]byte) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, capture.WritePcap(&buf, 1, frames))
	p := filepath.Join(t.TempDir(), "c.pcap")
	require.NoError(t, os.WriteFile(p, buf.Bytes(), 0o644))
	return p
}

func writeImage(t *testing.T, dir string, part uint8, fill func(i int) uint8) string {
	t.Helper()
	img := table.Image{Partition: part, TMBits: 8}
	for i := range img.Table {
		img.Table[i] = fill(i)
	}
	p := filepath.Join(dir, "p"+strconv.Itoa(int(part))+"-"+strconv.Itoa(int(fill(0)))+".fstb")
	require.NoError(t, table.WriteFile(p, img))
	return p
}

// logTMs reads the tm column of a decision log ("-" = -1), index = frame-1.
func logTMs(t *testing.T, log string) []int {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(log))
	require.True(t, sc.Scan())
	require.Equal(t, strings.TrimSuffix(host.LogHeader, "\n"), sc.Text())
	var tms []int
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		require.Len(t, f, 7)
		require.Equal(t, strconv.Itoa(len(tms)+1), f[0], "frames numbered from 1")
		if f[4] == "-" {
			tms = append(tms, -1)
			continue
		}
		n, err := strconv.Atoi(f[4])
		require.NoError(t, err)
		tms = append(tms, n)
	}
	return tms
}

func TestParseChange(t *testing.T) {
	dir := t.TempDir()
	img := writeImage(t, dir, 2, func(int) uint8 { return 5 })
	c, err := ParseChange("17:" + img)
	require.NoError(t, err)
	assert.Equal(t, uint64(17), c.Frame)
	assert.Equal(t, 2, c.Partition, "partition from the image")
	assert.Equal(t, img, c.Path)
	assert.Equal(t, uint8(5), c.Table[4095])

	for _, bad := range []string{"", "17", "17:", ":" + img, "0:" + img, "-3:" + img, "x:" + img,
		"17:" + filepath.Join(dir, "missing.fstb")} {
		_, err := ParseChange(bad)
		require.Error(t, err, "%q", bad)
		assert.NotContains(t, err.Error(), "\n", "one-line error")
	}
	junk := filepath.Join(dir, "junk.fstb")
	require.NoError(t, os.WriteFile(junk, []byte("not an image"), 0o644))
	_, err = ParseChange("3:" + junk)
	assert.ErrorContains(t, err, "junk.fstb")

	cs, err := ParseChanges([]string{"9:" + img, "4:" + img})
	require.NoError(t, err)
	assert.Equal(t, []uint64{4, 9}, []uint64{cs[0].Frame, cs[1].Frame}, "ordered by frame")
}

// Tables of one value make the expectation independent of hashing: frames
// before the change get the old value, frames from it on the new one.
func TestRunWithChangesAppliesBeforeTheFrame(t *testing.T) {
	var frames [][]byte
	for i := 0; i < 12; i++ {
		frames = append(frames, l4Frame(i%2 == 0, [4]byte{10, 0, 0, byte(i)}, [4]byte{10, 9, 9, 9}, uint16(40000+i), 443))
	}
	frames = append(frames, []byte{1, 2, 3}) // CONTROL: no TM whatever the table
	path := writeCapture(t, frames)
	dir := t.TempDir()
	cfg := host.DefaultConfig()
	three := [host.TableSize]uint8{}
	for i := range three {
		three[i] = 3
	}
	cfg.Partitions[0].Table = &three
	c5, err := ParseChange("5:" + writeImage(t, dir, 0, func(int) uint8 { return 5 }))
	require.NoError(t, err)
	c9, err := ParseChange("9:" + writeImage(t, dir, 0, func(int) uint8 { return 6 }))
	require.NoError(t, err)
	cOther, err := ParseChange("2:" + writeImage(t, dir, 1, func(int) uint8 { return 7 })) // partition 1: unused
	require.NoError(t, err)

	var out bytes.Buffer
	sum, err := RunWithChanges(path, cfg, []Change{c9, cOther, c5}, &out, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(13), sum.Frames)
	want := []int{3, 3, 3, 3, 5, 5, 5, 5, 6, 6, 6, 6, -1}
	assert.Equal(t, want, logTMs(t, out.String()))

	// No changes: byte for byte Run's log.
	var a, b bytes.Buffer
	_, err = Run(path, cfg, &a, nil)
	require.NoError(t, err)
	_, err = RunWithChanges(path, cfg, nil, &b, nil)
	require.NoError(t, err)
	assert.Equal(t, a.String(), b.String())

	// A change after the last frame never happens: an error, not silence.
	late, err := ParseChange("14:" + writeImage(t, dir, 0, func(int) uint8 { return 1 }))
	require.NoError(t, err)
	_, err = RunWithChanges(path, cfg, []Change{late}, nil, nil)
	assert.ErrorContains(t, err, "only 13 frames")

	// Written through a temporary file into place.
	outPath := filepath.Join(dir, "log.tsv")
	_, err = WriteLogFileWithChanges(path, outPath, cfg, []Change{c5}, nil)
	require.NoError(t, err)
	got, err := os.ReadFile(outPath)
	require.NoError(t, err)
	assert.Equal(t, []int{3, 3, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, -1}, logTMs(t, string(got)))
	_, err = WriteLogFileWithChanges(path, filepath.Join(dir, "log2.tsv"), cfg, []Change{late}, nil)
	require.Error(t, err)
	_, statErr := os.Stat(filepath.Join(dir, "log2.tsv"))
	assert.True(t, os.IsNotExist(statErr), "no half-written log after a failed run")
}

// With flow state on, a connection established before the change keeps its
// TM through the change in both directions; one first seen after it takes
// the new table's TM.
func TestRunWithChangesFlowStateKeepsConnections(t *testing.T) {
	cli, srv := [4]byte{10, 0, 0, 1}, [4]byte{10, 0, 0, 2}
	frames := [][]byte{
		l4Frame(false, cli, srv, 40000, 80), // old connection, first packet
		l4Frame(false, srv, cli, 80, 40000), // change here: reply direction
		l4Frame(false, cli, srv, 40001, 80), // new connection
	}
	path := writeCapture(t, frames)
	cfg := host.DefaultConfig()
	cfg.FlowState.Enabled = true
	ch, err := ParseChange("2:" + writeImage(t, t.TempDir(), 0, func(int) uint8 { return 9 }))
	require.NoError(t, err)
	var out bytes.Buffer
	_, err = RunWithChanges(path, cfg, []Change{ch}, &out, nil)
	require.NoError(t, err)
	tms := logTMs(t, out.String())
	require.NotEqual(t, 9, tms[0], "default table has no TM 9")
	assert.Equal(t, tms[0], tms[1], "established connection keeps its TM")
	assert.Equal(t, 9, tms[2], "new connection follows the new table")
	assert.Contains(t, out.String(), "\tFLOW_STATE\t")
}
