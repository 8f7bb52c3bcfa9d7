package regmap

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// moduleRoot is two levels above this package (driver/regmap).
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(root, "go.mod"))
	require.NoError(t, err, "module root not found above driver/regmap")
	return root
}

func loadMap(t *testing.T) *Map {
	t.Helper()
	m, err := Load("regs.yaml")
	require.NoError(t, err)
	return m
}

// The committed generated files must equal a fresh generation; run
// `go generate ./driver` after editing regs.yaml.
func TestGeneratedFilesUpToDate(t *testing.T) {
	m := loadMap(t)
	tmp := t.TempDir()
	require.NoError(t, m.Generate(tmp))
	root := moduleRoot(t)
	for _, rel := range []string{GoFile, VhFile, DocFile} {
		fresh, err := os.ReadFile(filepath.Join(tmp, rel))
		require.NoError(t, err)
		committed, err := os.ReadFile(filepath.Join(root, rel))
		require.NoError(t, err, "%s missing: run go generate ./driver", rel)
		assert.Equal(t, string(fresh), string(committed), "%s is stale: run go generate ./driver", rel)
	}
}

// docRow is one row of the register table of docs/interfaces.md.
type docRow struct{ name, addr, access, meaning string }

func interfaceRows(t *testing.T) []docRow {
	t.Helper()
	f, err := os.Open(filepath.Join(moduleRoot(t), "docs", "interfaces.md"))
	require.NoError(t, err)
	defer f.Close()
	var rows []docRow
	inTable := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "| name | address | access | meaning |") {
			inTable = true
			continue
		}
		if !inTable {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) < 4 || strings.HasPrefix(strings.TrimSpace(cells[0]), "---") {
			continue
		}
		rows = append(rows, docRow{
			name:    strings.TrimSpace(cells[0]),
			addr:    strings.TrimSpace(cells[1]),
			access:  strings.TrimSpace(cells[2]),
			meaning: strings.TrimSpace(strings.Join(cells[3:], "|")),
		})
	}
	require.NotEmpty(t, rows, "register table not found in docs/interfaces.md")
	return rows
}

// A range right after a register name (STATUS[8]) refers to that other
// register, so only free-standing ranges count.
var bitTokenRE = regexp.MustCompile(`(?:^|[^A-Z_])\[(\d+)(?::(\d+))?\]`)

// The YAML must say what the hand-written contract in docs/interfaces.md
// says: names, index ranges, addresses, access and field bit ranges.
func TestMatchesInterfacesDoc(t *testing.T) {
	m := loadMap(t)
	seen := map[string]bool{}
	for _, row := range interfaceRows(t) {
		if strings.HasPrefix(row.name, "CNT_FLOW_HITS ..") {
			// One doc row for five consecutive counters.
			names := []string{"CNT_FLOW_HITS", "CNT_FLOW_MISSES", "CNT_FLOW_INSERTS", "CNT_FLOW_EVICTIONS", "CNT_FLOW_FLUSHES"}
			for i, n := range names {
				r, ok := m.Find(n)
				require.True(t, ok, n)
				assert.Equal(t, uint32(0x0380+4*i), r.Addr, n)
				assert.Equal(t, row.access, r.Access, n)
				seen[n] = true
			}
			continue
		}
		base := row.name
		if i := strings.IndexByte(base, '('); i >= 0 {
			base = base[:i]
		}
		r, ok := m.Find(base)
		if !assert.True(t, ok, "register %s of docs/interfaces.md missing from regs.yaml", base) {
			continue
		}
		seen[base] = true
		assert.Equal(t, row.name, r.Name+r.indexText(), "%s: index ranges", base)
		assert.Equal(t, row.addr, r.addrText(), "%s: address", base)
		assert.Equal(t, row.access, r.Access, "%s: access", base)
		if len(r.Fields) > 0 {
			for _, tok := range bitTokenRE.FindAllStringSubmatch(row.meaning, -1) {
				msb, _ := strconv.Atoi(tok[1])
				lsb := msb
				if tok[2] != "" {
					lsb, _ = strconv.Atoi(tok[2])
				}
				docMask := uint32((uint64(1)<<(msb-lsb+1) - 1) << lsb)
				// The doc's range must be exactly a union of YAML fields.
				var covered uint32
				for _, f := range r.Fields {
					if f.Mask()&docMask == f.Mask() {
						covered |= f.Mask()
					} else {
						assert.Zero(t, f.Mask()&docMask, "%s: field %s straddles doc range %s", base, f.Name, tok[0])
					}
				}
				assert.Equal(t, docMask, covered, "%s: doc range %s not covered by fields", base, tok[0])
			}
		}
		if lit := regexp.MustCompile(`^0x([0-9A-Fa-f]{8})\b`).FindStringSubmatch(row.meaning); lit != nil {
			want, _ := strconv.ParseUint(lit[1], 16, 32)
			require.NotNil(t, r.Reset, base)
			assert.Equal(t, uint32(want), *r.Reset, "%s: reset value", base)
		}
	}
	for _, r := range m.Registers {
		assert.True(t, seen[r.Name], "regs.yaml has %s, which docs/interfaces.md does not define", r.Name)
	}
}

// The KEY reset words must be the Microsoft RSS key of SPEC 1, written
// there as one hex string.
func TestKeyResetIsMicrosoftKey(t *testing.T) {
	const msKey = "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa"
	r, ok := loadMap(t).Find("KEY")
	require.True(t, ok)
	var got strings.Builder
	for _, w := range r.ResetWords {
		got.WriteString(strings.ToLower(strconv.FormatUint(uint64(w)|1<<32, 16)[1:]))
	}
	assert.Equal(t, msKey, got.String())
}

// CAPS reset must encode the default flowsteer_top parameters.
func TestCapsResetMatchesDefaults(t *testing.T) {
	r, ok := loadMap(t).Find("CAPS")
	require.True(t, ok)
	want := map[string]uint32{"PARTITIONS": 4, "TM_BITS": 8, "FLOW_ENABLE": 1, "FLOW_SETS_LOG2": 10, "FLOW_WAYS": 4}
	for _, f := range r.Fields {
		assert.Equal(t, want[f.Name], (*r.Reset&f.Mask())>>f.LSB, f.Name)
	}
}

func TestValidateRejectsBadMaps(t *testing.T) {
	cases := map[string]struct{ yaml, errPart string }{
		"overlap": {`registers:
  - {name: A, addr: 0x10, access: RW}
  - {name: B, addr: 0x0, access: RW, dims: [{index: i, count: 8, stride: 4}]}`, "overlaps A"},
		"misaligned":     {`registers: [{name: A, addr: 0x2, access: RW}]`, "not 32-bit aligned"},
		"access":         {`registers: [{name: A, addr: 0x0, access: RX}]`, "not RO, RW or WO"},
		"bad name":       {`registers: [{name: a_b, addr: 0x0, access: RW}]`, "UPPER_SNAKE"},
		"duplicate":      {"registers:\n  - {name: A, addr: 0x0, access: RW}\n  - {name: A, addr: 0x4, access: RW}", "defined twice"},
		"beyond 64k":     {`registers: [{name: A, addr: 0xFFF0, access: RW, dims: [{index: i, count: 8, stride: 4}]}]`, "16-bit address space"},
		"field overlap":  {`registers: [{name: A, addr: 0x0, access: RW, fields: [{name: X, bits: "3:0"}, {name: Y, bits: "4:3"}]}]`, "overlap another field"},
		"field range":    {`registers: [{name: A, addr: 0x0, access: RW, fields: [{name: X, bits: "32:0"}]}]`, "31 >= msb >= lsb"},
		"reset fit":      {`registers: [{name: A, addr: 0x0, access: RW, fields: [{name: X, bits: "1:0", reset: 4}]}]`, "does not fit"},
		"reset disagree": {`registers: [{name: A, addr: 0x0, access: RW, reset: 0, fields: [{name: X, bits: "0", reset: 1}]}]`, "disagrees"},
		"unknown key":    {`registers: [{name: A, adr: 0x0, access: RW}]`, "adr"},
		"reset words":    {`registers: [{name: A, addr: 0x0, access: RW, reset_words: [1]}]`, "reset_words"},
		"empty":          {`registers: []`, "no registers"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.errPart)
			assert.NotContains(t, err.Error(), "\n", "one-line error")
		})
	}
}

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"ID": "ID", "MAC_LO": "MACLo", "CNT_FLOW_HITS": "CntFlowHits",
		"FLOW_SETS_LOG2": "FlowSetsLog2", "EQTM": "EQTM", "FLOW_CMD": "FlowCmd",
	} {
		assert.Equal(t, want, GoName(in), in)
	}
}

// hdl/regs.vh must be accepted by Icarus and give the same addresses as
// the YAML arithmetic (an independent evaluation of the defines).
func TestVerilogHeaderEvaluates(t *testing.T) {
	if _, err := exec.LookPath("iverilog"); err != nil {
		t.Skip("iverilog not installed")
	}
	m := loadMap(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "regs.vh"), m.RenderVerilog(), 0o644))
	src := "`include \"regs.vh\"\nmodule t; initial begin\n" +
		"$display(\"%0d\", `FS_REG_KEY + 3*`FS_REG_KEY_P_STRIDE + 7*`FS_REG_KEY_W_STRIDE);\n" +
		"$display(\"%0d\", `FS_REG_MAC_HI + 2*`FS_REG_MAC_HI_STRIDE);\n" +
		"$display(\"%0d\", `FS_REG_TABLE_ACTIVE_LAST);\n" +
		"$display(\"%0d\", `FS_REG_CAPS_FLOW_WAYS_LSB);\n" +
		"$display(\"%0d\", `FS_REG_CTRL_RESET);\n" +
		"$finish; end endmodule\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "t.v"), []byte(src), 0o644))
	out, err := exec.Command("iverilog", "-I", dir, "-o", filepath.Join(dir, "t.vvp"), filepath.Join(dir, "t.v")).CombinedOutput()
	require.NoError(t, err, string(out))
	out, err = exec.Command("vvp", "-n", filepath.Join(dir, "t.vvp")).CombinedOutput()
	require.NoError(t, err, string(out))
	lines := strings.Fields(string(out))
	require.GreaterOrEqual(t, len(lines), 5, string(out))
	// Expected values from docs/interfaces.md by hand: KEY(3,7) = 0x100 +
	// 0xC0 + 0x1C; MAC_HI(2) = 0x44 + 16; TABLE_ACTIVE(4095) = 0x8000 + 0x3FFC.
	assert.Equal(t, []string{"476", "84", "49148", "16", "1"}, lines[:5])
}
