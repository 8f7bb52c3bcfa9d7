package natport

import (
	"bytes"
	"strings"
	"testing"

	"github.com/flowsteer/flowsteer/host"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestTableFileRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		key := keyGen().Draw(t, "key")
		tab := tableGen().Draw(t, "table")
		addrs := rapid.SliceOfNDistinct(addrGen(), 1, 3, func(a [16]byte) [16]byte { return a }).Draw(t, "addrs")
		partition := rapid.IntRange(0, 3).Draw(t, "partition")
		s := NewSolver(key, tab)
		var tables []*PortTable
		for _, a := range addrs {
			tables = append(tables, s.BuildPortTable(a))
		}
		var buf bytes.Buffer
		require.NoError(t, WriteTables(&buf, s.Header(partition), tables))

		h, back, err := ReadTables(bytes.NewReader(buf.Bytes()))
		require.NoError(t, err)
		require.Equal(t, s.Header(partition), h)
		require.Len(t, back, len(tables))
		for i := range tables {
			require.Equal(t, tables[i].Addr, back[i].Addr)
			for tm := 0; tm < 256; tm++ {
				require.Equal(t, tables[i].All(uint8(tm)), back[i].All(uint8(tm)), "addr %d tm %d", i, tm)
			}
		}
	})
}

// A small hand-written file, read through the documented format: the reader
// must not depend on how WriteTables happens to lay things out beyond it.
func TestReadHandWrittenFile(t *testing.T) {
	file := "# flowsteer natport table v1\n# partition\t2\n# key\t" + host.DefaultKey.String() +
		"\n# table_sha256\t" + strings.Repeat("ab", 32) + "\naddr\ttm\tcount\tports\n" +
		"10.0.0.1\t3\t3\t0,5-6\n10.0.0.1\t200\t65533\t1-4,7-65535\n"
	h, tables, err := ReadTables(strings.NewReader(file))
	require.NoError(t, err)
	require.Equal(t, 2, h.Partition)
	require.Equal(t, host.DefaultKey, h.Key)
	require.Len(t, tables, 1)
	want, _ := ParseAddr("::ffff:10.0.0.1")
	require.Equal(t, want, tables[0].Addr)
	require.Equal(t, []uint16{0, 5, 6}, tables[0].All(3))
	require.Equal(t, []uint16{5, 6}, tables[0].Ports(3, 0))
	require.Equal(t, []uint16{6}, tables[0].Ports(3, 5))
	require.Empty(t, tables[0].Ports(3, 6))
	require.Equal(t, 65533, tables[0].Count(200))
	require.Zero(t, tables[0].Count(4))
	require.Equal(t, uint16(7), tables[0].Ports(200, 4)[0])
}

func TestReadTablesRejectsBadFiles(t *testing.T) {
	head := "# flowsteer natport table v1\n# partition\t0\n# key\t" + host.DefaultKey.String() +
		"\n# table_sha256\t" + strings.Repeat("00", 32) + "\naddr\ttm\tcount\tports\n"
	cases := map[string]struct{ file, want string }{
		"empty":          {"", "header incomplete"},
		"wrong magic":    {"# something else\n", "line 1"},
		"bad partition":  {strings.Replace(head, "partition\t0", "partition\t7", 1), "partition"},
		"bad key":        {strings.Replace(head, host.DefaultKey.String(), "zz", 1), "key"},
		"missing ports":  {head + "10.0.0.1\t0\t2\t0-1\n", "lists 2 of the 65536 ports"},
		"count mismatch": {head + "10.0.0.1\t0\t5\t0-65535\n", "count 5 but 65536"},
		"duplicate port": {head + "10.0.0.1\t0\t1\t7\n10.0.0.1\t1\t65536\t0-65535\n", "port 7 listed under two TMs"},
		"descending tm":  {head + "10.0.0.1\t1\t1\t7\n10.0.0.1\t0\t65535\t0-6,8-65535\n", "must ascend"},
		"descending":     {head + "10.0.0.1\t0\t65536\t5-65535,0-4\n", "ports must ascend"},
		"bad address":    {head + "10.0.0\t0\t65536\t0-65535\n", "not an IPv4 or IPv6"},
		"bad tm":         {head + "10.0.0.1\t256\t65536\t0-65535\n", "tm"},
		"bad port":       {head + "10.0.0.1\t0\t65536\t0-65536\n", "range"},
		"few fields":     {head + "10.0.0.1\t0\t65536\n", "3 fields"},
		"split address": {head + "10.0.0.1\t0\t65536\t0-65535\n10.0.0.2\t0\t65536\t0-65535\n" +
			"10.0.0.1\t1\t1\t0\n", "two separate blocks"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := ReadTables(strings.NewReader(c.file))
			require.Error(t, err)
			require.Contains(t, err.Error(), c.want)
			require.NotContains(t, err.Error(), "\n", "one-line error")
		})
	}
}

func TestParseAddr(t *testing.T) {
	v4, err := ParseAddr("192.0.2.7")
	require.NoError(t, err)
	require.Equal(t, [16]byte{10: 0xff, 11: 0xff, 12: 192, 13: 0, 14: 2, 15: 7}, v4, "IPv4 is IPv4-mapped (SPEC 2 step 5)")
	mapped, err := ParseAddr("::ffff:192.0.2.7")
	require.NoError(t, err)
	require.Equal(t, v4, mapped)
	require.Equal(t, "192.0.2.7", FormatAddr(v4))

	v6, err := ParseAddr("2001:db8::1")
	require.NoError(t, err)
	require.Equal(t, [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}, v6)
	require.Equal(t, "2001:db8::1", FormatAddr(v6))

	for _, bad := range []string{"", "10.0.0", "fe80::1%eth0", "example.com", "1.2.3.4:80"} {
		_, err := ParseAddr(bad)
		require.Error(t, err, bad)
	}
}
