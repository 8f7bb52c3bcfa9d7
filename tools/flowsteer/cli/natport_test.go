package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/natport"
	"github.com/flowsteer/flowsteer/host/table"
)

func runNatport(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// natportTM is the independent check: the literal SPEC 3 hash of A ‖ X and a
// table lookup.
func natportTM(key host.Key, tab *[4096]uint8, addr string, x uint16) uint8 {
	a, err := natport.ParseAddr(addr)
	if err != nil {
		panic(err)
	}
	in := natport.HashInput(a, x)
	return tab[host.ToeplitzBitwise(key, in[:])&0xfff]
}

func natportParsePorts(t *testing.T, stdout string) []uint16 {
	t.Helper()
	var ports []uint16
	for _, l := range strings.Fields(stdout) {
		v, err := strconv.ParseUint(l, 10, 16)
		require.NoError(t, err, "line %q", l)
		ports = append(ports, uint16(v))
	}
	return ports
}

func natportDefaultTable() *[4096]uint8 {
	d := table.Default()
	return (*[4096]uint8)(&d)
}

func TestNatportDefaults(t *testing.T) {
	code, out, errOut := runNatport(t, "natport", "--addr", "203.0.113.5", "--server-port", "443", "--tm", "3")
	require.Equal(t, 0, code, errOut)
	ports := natportParsePorts(t, out)
	require.Len(t, ports, 10)
	for i, x := range ports {
		assert.Greater(t, x, uint16(443))
		assert.Equal(t, uint8(3), natportTM(host.DefaultKey, natportDefaultTable(), "203.0.113.5", x), "port %d", x)
		if i > 0 {
			assert.Less(t, ports[i-1], x)
		}
	}
	a, _ := natport.ParseAddr("203.0.113.5")
	all := natport.BruteForcePorts(host.NewToeplitz(host.DefaultKey), natportDefaultTable(), a, 443, 3)
	require.Equal(t, all[:10], ports, "the first ten, none skipped")
	require.Contains(t, errOut, strconv.Itoa(len(all))+" usable ports > 443 for TM 3")
}

func TestNatportCountAll(t *testing.T) {
	code, out, errOut := runNatport(t, "natport", "--addr", "2001:db8::7", "--server-port", "60000", "--tm", "5", "--count", "0")
	require.Equal(t, 0, code, errOut)
	a, _ := natport.ParseAddr("2001:db8::7")
	want := natport.BruteForcePorts(host.NewToeplitz(host.DefaultKey), natportDefaultTable(), a, 60000, 5)
	require.NotEmpty(t, want)
	require.Equal(t, want, natportParsePorts(t, out))
}

func TestNatportNoPorts(t *testing.T) {
	zeroKey := strings.Repeat("00", host.KeySize)
	cases := map[string]struct {
		args []string
		want string
	}{
		"TM without bucket": {[]string{"--tm", "9", "--server-port", "80"}, "TM 9 owns no bucket"},
		"server port 65535": {[]string{"--tm", "1", "--server-port", "65535"}, "65535"},
		"unreachable (zero key)": {[]string{"--tm", "1", "--server-port", "80", "--key", zeroKey},
			"reaches only 1 of the 4096 buckets"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runNatport(t, append([]string{"natport", "--addr", "10.0.0.1"}, c.args...)...)
			require.Equal(t, 1, code)
			require.Empty(t, out)
			require.Contains(t, errOut, c.want)
			require.Equal(t, 1, strings.Count(errOut, "\n"), "one-line message: %q", errOut)
		})
	}
}

// With the zero key every port hashes to bucket 0, owned by TM 0: all ports
// above D are usable.
func TestNatportZeroKeyBucketZero(t *testing.T) {
	code, out, errOut := runNatport(t, "natport", "--addr", "10.0.0.1", "--server-port", "65000", "--tm", "0",
		"--key", strings.Repeat("00", host.KeySize), "--count", "0")
	require.Equal(t, 0, code, errOut)
	require.Len(t, natportParsePorts(t, out), 535)
}

func TestNatportUsageErrors(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("partitions:\n  - {}\n"), 0o644))
	base := []string{"natport", "--addr", "10.0.0.1", "--server-port", "80", "--tm", "1"}
	cases := map[string][]string{
		"missing addr":            {"natport", "--server-port", "80", "--tm", "1"},
		"missing tm":              {"natport", "--addr", "10.0.0.1", "--server-port", "80"},
		"bad addr":                append(base[:1:1], "--addr", "10.0.0.300", "--server-port", "80", "--tm", "1"),
		"tm 256":                  append(base[:1:1], "--addr", "10.0.0.1", "--server-port", "80", "--tm", "256"),
		"port 65536":              append(base[:1:1], "--addr", "10.0.0.1", "--server-port", "65536", "--tm", "1"),
		"short key":               append(append([]string{}, base...), "--key", "abcd"),
		"config and key":          append(append([]string{}, base...), "--config", cfg, "--key", host.DefaultKey.String()),
		"partition 4":             append(append([]string{}, base...), "--partition", "4"),
		"partition not in config": append(append([]string{}, base...), "--config", cfg, "--partition", "2"),
		"negative count":          append(append([]string{}, base...), "--count", "-1"),
		"stray argument":          append(append([]string{}, base...), "extra"),
		"table without -o":        {"natport", "table", "--addrs", "10.0.0.1"},
		"table without addr":      {"natport", "table", "-o", "-"},
		"table duplicate":         {"natport", "table", "--addrs", "10.0.0.1,::ffff:10.0.0.1", "-o", "-"},
		"table bad addr":          {"natport", "table", "--addrs", "nope", "-o", "-"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runNatport(t, args...)
			require.Equal(t, 2, code, "stderr: %s", errOut)
			require.Empty(t, out)
			require.Equal(t, 1, strings.Count(errOut, "\n"), "one-line message: %q", errOut)
		})
	}
}

func TestNatportMissingFiles(t *testing.T) {
	dir := t.TempDir()
	for _, flag := range []string{"--config", "--table"} {
		code, _, errOut := runNatport(t, "natport", "--addr", "10.0.0.1", "--server-port", "80", "--tm", "1",
			flag, filepath.Join(dir, "absent"))
		require.Equal(t, 1, code, flag)
		require.Contains(t, errOut, "absent")
	}
}

// A table image and a key given by flags, and the same through a config's
// second partition, give the ports the bitwise hash says.
func TestNatportKeyTableAndConfig(t *testing.T) {
	dir := t.TempDir()
	var tab table.Table
	for i := range tab {
		tab[i] = uint8(i*7%5) + 20 // TMs 20..24, nothing like the default
	}
	img := filepath.Join(dir, "p1.img")
	require.NoError(t, table.WriteFile(img, table.Image{Partition: 1, TMBits: 5, Table: tab}))
	key := host.MustParseKey(strings.Repeat("3c1f9a07", 10))
	cfg := filepath.Join(dir, "fs.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("partitions:\n  - {}\n  - key: \""+key.String()+"\"\n    table: p1.img\n"), 0o644))

	query := []string{"natport", "--addr", "198.51.100.9", "--server-port", "1023", "--tm", "22", "--count", "0"}
	code, viaFlags, errOut := runNatport(t, append(append([]string{}, query...), "--key", key.String(), "--table", img)...)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, errOut, "partition 1", "the image names its partition")
	code, viaConfig, errOut := runNatport(t, append(append([]string{}, query...), "--config", cfg, "--partition", "1")...)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, viaFlags, viaConfig)

	ports := natportParsePorts(t, viaFlags)
	require.NotEmpty(t, ports)
	for _, x := range ports {
		require.Greater(t, x, uint16(1023))
		require.Equal(t, uint8(22), natportTM(key, (*[4096]uint8)(&tab), "198.51.100.9", x), "port %d", x)
	}

	// The image says partition 1; asking for partition 0 with it is a mistake.
	code, _, errOut = runNatport(t, append(append([]string{}, query...), "--table", img, "--partition", "0")...)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "partition 1")
}

func TestNatportTableFile(t *testing.T) {
	dir := t.TempDir()
	addrsFile := filepath.Join(dir, "pool.txt")
	require.NoError(t, os.WriteFile(addrsFile, []byte("# NAT pool\n203.0.113.5\n\n2001:db8::1  # v6\n"), 0o644))
	out := filepath.Join(dir, "ports.tsv")
	code, stdout, errOut := runNatport(t, "natport", "table", "--addrs-file", addrsFile, "-o", out)
	require.Equal(t, 0, code, errOut)
	require.Empty(t, stdout)
	require.Contains(t, errOut, "2 address(es)")

	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	h, tables, err := natport.ReadTables(f)
	require.NoError(t, err)
	require.Equal(t, host.DefaultKey, h.Key)
	require.Len(t, tables, 2)
	tz := host.NewToeplitz(host.DefaultKey)
	for i, name := range []string{"203.0.113.5", "2001:db8::1"} {
		a, _ := natport.ParseAddr(name)
		require.Equal(t, a, tables[i].Addr)
		for _, tm := range []uint8{0, 7} {
			want := natport.BruteForcePorts(tz, natportDefaultTable(), a, 5000, tm)
			require.Equal(t, want, tables[i].Ports(tm, 5000), "%s tm %d", name, tm)
		}
		require.Zero(t, tables[i].Count(8), "TM 8 owns no bucket")
	}

	// To stdout, and the same bytes as the file for the same addresses.
	code, stdout, errOut = runNatport(t, "natport", "table", "--addrs", "203.0.113.5,2001:db8::1", "-o", "-")
	require.Equal(t, 0, code, errOut)
	file, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, string(file), stdout)
}

func TestNatportHelp(t *testing.T) {
	for _, args := range [][]string{{"natport", "--help"}, {"natport", "table", "--help"}} {
		code, out, _ := runNatport(t, args...)
		require.Equal(t, 0, code)
		require.Contains(t, out, "Examples:")
		require.Contains(t, out, "flowsteer natport")
	}
}
