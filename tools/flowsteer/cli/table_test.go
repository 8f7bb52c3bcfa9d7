package cli

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/host/table"
)

func runTable(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestTableBuildShowDefault(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "p0.img")
	code, out, errs := runTable(t, "table", "build", "--tms", "8", "-o", img)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "uniform over 8 TMs, 512 entries per TM")

	got, err := table.ReadFile(img)
	require.NoError(t, err)
	for i := range got.Table {
		require.Equal(t, uint8(i%8), got.Table[i], "SPEC default table: entry i = i mod 8")
	}
	assert.Equal(t, uint8(8), got.TMBits)

	code, out, errs = runTable(t, "table", "show", img)
	require.Equal(t, 0, code, errs)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 1+1+8) // summary, header, 8 TMs
	assert.Regexp(t, `^\s*3\s+512\s+0\.1250\s+512\.00\s+\+0\.00\s+\+0\.00%$`, lines[2+3])
}

func TestTableBuildWeightsAndProfile(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "w.img")
	code, _, errs := runTable(t, "table", "build", "--weights", "1,3", "--partition", "2", "--tm-bits", "1", "-o", img)
	require.Equal(t, 0, code, errs)
	got, err := table.ReadFile(img)
	require.NoError(t, err)
	assert.Equal(t, uint8(2), got.Partition)
	n1 := 0
	for _, tm := range got.Table {
		if tm == 1 {
			n1++
		}
	}
	assert.Equal(t, 3072, n1)

	code, out, errs := runTable(t, "table", "build", "--profile", "gaussian", "--tms", "16", "--param", "3", "-o", img)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "gaussian profile over 16 TMs")
	code, out, _ = runTable(t, "table", "show", img)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "16 TMs")
}

func TestTableBuildUsageErrors(t *testing.T) {
	img := filepath.Join(t.TempDir(), "x.img")
	for _, args := range [][]string{
		{"table", "build", "-o", img},
		{"table", "build", "--tms", "4", "--weights", "1,2", "-o", img},
		{"table", "build", "--profile", "gaussian", "-o", img},
		{"table", "build", "--tms", "4", "--param", "2", "-o", img},
		{"table", "build", "--tms", "4"},
		{"table", "build", "--tms", "0", "-o", img},
		{"table", "build", "--tms", "257", "-o", img},
		{"table", "build", "--weights", "1,x", "-o", img},
		{"table", "build", "--weights", "1,-1", "-o", img},
		{"table", "build", "--profile", "poisson", "--tms", "4", "-o", img},
		{"table", "build", "--tms", "4", "--partition", "4", "-o", img},
		{"table", "build", "--tms", "4", "--tm-bits", "9", "-o", img},
		{"table", "build", "--tms", "4", "-o", img, "extra"},
		{"table", "bogus"},
		{"table"},
		{"table", "export", img, "--format", "bin"},
	} {
		code, out, errs := runTable(t, args...)
		assert.Equal(t, 2, code, "%v: %s", args, errs)
		assert.Empty(t, out, "%v", args)
		assert.True(t, strings.HasPrefix(errs, "flowsteer: "), "%v: %q", args, errs)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "%v: one-line error, got %q", args, errs)
	}
	_, err := os.Stat(img)
	assert.True(t, os.IsNotExist(err), "no image written on a usage error")
}

func TestTableBuildTMsTooWideForBits(t *testing.T) {
	img := filepath.Join(t.TempDir(), "x.img")
	code, _, errs := runTable(t, "table", "build", "--tms", "5", "--tm-bits", "2", "-o", img)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "does not fit in 2 bits")
}

func TestTableRebalanceAndDiff(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.img")
	b := filepath.Join(dir, "b.img")
	code, _, errs := runTable(t, "table", "build", "--tms", "8", "-o", a)
	require.Equal(t, 0, code, errs)
	// remove TM 3: its 512 entries go to the other 7 (and nothing else moves)
	code, out, errs := runTable(t, "table", "rebalance", a, "--weights", "1,1,1,0,1,1,1,1", "-o", b)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "moved 512 entries (minimum 512, ratio 1.000)\n", out)

	ia, err := table.ReadFile(a)
	require.NoError(t, err)
	ib, err := table.ReadFile(b)
	require.NoError(t, err)
	for i := range ia.Table {
		if ia.Table[i] != 3 {
			require.Equal(t, ia.Table[i], ib.Table[i], "entry %d of a kept TM moved", i)
		} else {
			require.NotEqual(t, uint8(3), ib.Table[i])
		}
	}

	code, out, errs = runTable(t, "table", "diff", a, b)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "moved 512 of 4096 entries (12.50%)")
	// TM 3 lost 512; 512 = 7*73 + 1 so TM 0 gained 74 and the rest 73
	assert.Regexp(t, `(?m)^\s*3\s+512\s+0\s+-512$`, out)
	assert.Regexp(t, `(?m)^\s*0\s+0\s+74\s+\+74$`, out)
	assert.Regexp(t, `(?m)^\s*7\s+0\s+73\s+\+73$`, out)

	code, out, _ = runTable(t, "table", "diff", a, a)
	require.Equal(t, 0, code)
	assert.Equal(t, "moved 0 of 4096 entries (0.00%)\n", out)
}

func TestTableRebalanceErrors(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.img")
	require.NoError(t, table.WriteFile(a, table.Image{TMBits: 3, Table: table.Default()}))
	code, _, errs := runTable(t, "table", "rebalance", a, "--weights", "0,0", "-o", filepath.Join(dir, "b.img"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "zero")
	// 9 TMs do not fit in the image's 3 bits unless the width is raised
	code, _, errs = runTable(t, "table", "rebalance", a, "--weights", "1,1,1,1,1,1,1,1,1", "-o", filepath.Join(dir, "b.img"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "does not fit in 3 bits")
	code, out, errs := runTable(t, "table", "rebalance", a, "--weights", "1,1,1,1,1,1,1,1,1", "--tm-bits", "4", "-o", filepath.Join(dir, "b.img"))
	assert.Equal(t, 0, code, errs)
	assert.Equal(t, "moved 455 entries (minimum 455, ratio 1.000)\n", out)
	code, _, _ = runTable(t, "table", "rebalance", a, "-o", filepath.Join(dir, "c.img"))
	assert.Equal(t, 2, code)
}

func TestTableCorruptImageOneLineError(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.img")
	require.NoError(t, table.WriteFile(a, table.Image{TMBits: 8, Table: table.Default()}))
	b, err := os.ReadFile(a)
	require.NoError(t, err)
	b[500] ^= 0x10
	require.NoError(t, os.WriteFile(a, b, 0o644))
	for _, args := range [][]string{{"table", "show", a}, {"table", "export", a}, {"table", "diff", a, a}} {
		code, out, errs := runTable(t, args...)
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		assert.Contains(t, errs, "CRC mismatch")
		assert.Equal(t, 1, strings.Count(errs, "\n"), errs)
	}
	code, _, errs := runTable(t, "table", "show", filepath.Join(dir, "missing.img"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "missing.img")
}

func TestTableExportHex(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.img")
	code, _, errs := runTable(t, "table", "build", "--weights", "5,0,1,30", "-o", a)
	require.Equal(t, 0, code, errs)
	img, err := table.ReadFile(a)
	require.NoError(t, err)

	check := func(text string) {
		sc := bufio.NewScanner(strings.NewReader(text))
		n := 0
		for sc.Scan() {
			require.Regexp(t, `^[0-9a-f]{2}$`, sc.Text())
			v, err := strconv.ParseUint(sc.Text(), 16, 8)
			require.NoError(t, err)
			require.Equal(t, img.Table[n], uint8(v), "line %d", n+1)
			n++
		}
		require.Equal(t, 4096, n)
	}
	code, out, errs := runTable(t, "table", "export", a, "--format", "hex")
	require.Equal(t, 0, code, errs)
	check(out)
	hex := filepath.Join(dir, "a.hex")
	code, out, errs = runTable(t, "table", "export", a, "--format", "hex", "-o", hex)
	require.Equal(t, 0, code, errs)
	assert.Empty(t, out)
	b, err := os.ReadFile(hex)
	require.NoError(t, err)
	check(string(b))
}

func TestTableHelpHasExamples(t *testing.T) {
	for _, sub := range []string{"build", "show", "diff", "rebalance", "export"} {
		code, out, _ := runTable(t, "table", sub, "--help")
		require.Equal(t, 0, code, sub)
		assert.Contains(t, out, "Examples:", sub)
		assert.Contains(t, out, "flowsteer table "+sub, sub)
	}
	code, out, _ := runTable(t, "table", "--help")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Examples:")
}
