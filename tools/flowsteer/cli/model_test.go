package cli

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
)

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func sharedPath(t *testing.T, rel string) string {
	d := os.Getenv("FLOWSTEER_SHARED")
	if d == "" {
		d = filepath.Join("..", "..", "..", "..", "shared")
	}
	p := filepath.Join(d, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("../shared not found (set FLOWSTEER_SHARED): skipping test that needs %s", rel)
	}
	return p
}

// TestHashCommandPublishedVectors: `flowsteer hash` prints the published
// Microsoft RSS values.
func TestHashCommandPublishedVectors(t *testing.T) {
	f, err := os.Open(sharedPath(t, "vectors/rss_toeplitz.tsv"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	n := 0
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		code, out, errs := run(t, "", "hash", "--key", c[1], "--data", c[2])
		require.Equal(t, 0, code, errs)
		require.Equal(t, c[3]+"\n", out, c[0])
		n++
	}
	require.Equal(t, 16, n)
}

func TestHashCommandErrors(t *testing.T) {
	for _, args := range [][]string{
		{"hash"},
		{"hash", "--data", "zz"},
		{"hash", "--key", "00", "--data", "00"},
		{"hash", "--data", strings.Repeat("00", 37)},
		{"hash", "--data", "00", "extra"},
		{"hash", "--bogus"},
	} {
		code, out, errs := run(t, "", args...)
		require.Equal(t, 2, code, "%v", args)
		require.Empty(t, out)
		require.Equal(t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
		require.True(t, strings.HasPrefix(errs, "flowsteer: "), errs)
	}
}

// frameTCP4 builds an Ethernet/IPv4/TCP frame by hand.
func frameTCP4(src, dst [4]byte, sport, dport uint16) []byte {
	f := make([]byte, 14+20+20)
	copy(f, []byte{2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00})
	ip := f[14:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], 40)
	ip[9] = 6
	copy(ip[12:], src[:])
	copy(ip[16:], dst[:])
	binary.BigEndian.PutUint16(f[34:], sport)
	binary.BigEndian.PutUint16(f[36:], dport)
	return f
}

func writeCapture(t *testing.T, lt uint16, frames [][]byte) string {
	p := filepath.Join(t.TempDir(), "c.pcap")
	var b bytes.Buffer
	require.NoError(t, capture.WritePcap(&b, lt, frames))
	require.NoError(t, os.WriteFile(p, b.Bytes(), 0o644))
	return p
}

// TestModelCommandLog: the log has one line per frame in order, the SPEC 4
// header, and the hash the bit-by-bit Toeplitz gives for the client side.
func TestModelCommandLog(t *testing.T) {
	a, b := [4]byte{10, 0, 0, 1}, [4]byte{10, 0, 0, 2}
	frames := [][]byte{frameTCP4(a, b, 40000, 80), frameTCP4(b, a, 80, 40000), {1, 2, 3}, frameTCP4(a, b, 7, 7)}
	path := writeCapture(t, 1, frames)
	code, out, errs := run(t, "", "model", path)
	require.Equal(t, 0, code, errs)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 5)
	require.Equal(t, strings.TrimSuffix(host.LogHeader, "\n"), lines[0])
	in := append([]byte{10: 0xff, 11: 0xff, 12: 10, 13: 0, 14: 0, 15: 1}, 0x9c, 0x40)
	h := host.ToeplitzBitwise(host.DefaultKey, in)
	tm := (h & 0xfff) % 8
	require.Equal(t, strings.Join([]string{"1", "FORWARD", "SRC_HASH", "0", itoa(int(tm)), hex8(h), itoa(int(h & 0xfff))}, "\t"), lines[1])
	require.Equal(t, strings.Join([]string{"2", "FORWARD", "DST_HASH", "0", itoa(int(tm)), hex8(h), itoa(int(h & 0xfff))}, "\t"), lines[2])
	require.Equal(t, "3\tCONTROL\tMALFORMED\t-\t-\t-\t-", lines[3])
	require.Equal(t, "4\tFORWARD\tEQUAL_PORTS\t0\t0\t-\t-", lines[4])
	require.Contains(t, errs, "frames")
	require.Contains(t, errs, "frames/s")

	// -o writes the same bytes to a file and nothing to stdout.
	outPath := filepath.Join(t.TempDir(), "sw.tsv")
	code, out2, errs := run(t, "", "model", path, "-o", outPath)
	require.Equal(t, 0, code, errs)
	require.Empty(t, out2)
	got, err := os.ReadFile(outPath)
	require.NoError(t, err)
	require.Equal(t, out, string(got))
}

func TestModelCommandErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pcap")
	require.NoError(t, os.WriteFile(bad, []byte("not a capture at all"), 0o644))
	cfg := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("promiscuous: true\nrulez: []\n"), 0o644))
	good := writeCapture(t, 1, [][]byte{{1, 2, 3}})
	nullLink := writeCapture(t, 0, [][]byte{{1, 2, 3, 4}})
	outPath := filepath.Join(dir, "never.tsv")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"model", filepath.Join(dir, "missing.pcap")}, 1, "no such file"},
		{[]string{"model", bad}, 1, ""},
		{[]string{"model", good, "--config", cfg}, 1, "rulez"},
		{[]string{"model", nullLink, "-o", outPath}, 1, "link type 0"},
		{[]string{"model"}, 2, "CAPTURE"},
		{[]string{"model", good, "--progress", "sometimes"}, 2, "--progress"},
	}
	for _, c := range cases {
		code, _, errs := run(t, "", c.args...)
		require.Equal(t, c.code, code, "%v: %s", c.args, errs)
		require.Equal(t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
		require.Contains(t, errs, c.want)
	}
	_, err := os.Stat(outPath)
	require.True(t, os.IsNotExist(err), "a failed run leaves no log file")
}

func itoa(n int) string { return strconv.Itoa(n) }

func hex8(v uint32) string { return fmt.Sprintf("%08x", v) }
