package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/host/table"
)

// writeSiteConfig writes a configuration using every field configure pushes,
// with two table images, and returns its path and the two tables.
func writeSiteConfig(t *testing.T, flow bool) (string, table.Table, table.Table) {
	t.Helper()
	dir := t.TempDir()
	t0, t1 := testTable(21, 8), testTable(22, 4)
	writeImage(t, dir, "p0.img", 0, t0)
	writeImage(t, dir, "p1.img", 1, t1)
	flowYAML := "false"
	if flow {
		flowYAML = "true"
	}
	cfg := `promiscuous: false
group_macs: ["01:00:5e:7f:12:34", "02:aa:bb:cc:dd:ee"]
partitions:
  - key: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    equal_ports_tm: 9
    table: p0.img
  - table: p1.img
    equal_ports_tm: 3
rules:
  - {proto: tcp, port: 443, partition: 1}
  - {proto: udp, port: 53, partition: 0}
flow_state: {enabled: ` + flowYAML + `}
`
	path := filepath.Join(dir, "site.yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o644))
	return path, t0, t1
}

func TestConfigureCSR(t *testing.T) {
	privateLocks(t)
	for _, dev := range []string{"testcsr:cfg", "testcsr:cfglink,link"} {
		t.Run(dev, func(t *testing.T) {
			name, _, _ := strings.Cut(strings.TrimPrefix(dev, "testcsr:"), ",")
			csr := testCSR(name)
			path, t0, t1 := writeSiteConfig(t, true)
			code, out, errs := runDev(t, "configure", "-d", dev, "--config", path, "--clear-counters", "--progress", "never")
			require.Equal(t, 0, code, errs)
			assert.Contains(t, out, "4 partitions (2 from the file, 2 SPEC default), 2 rules, 2 group MACs, promiscuous off, flow state on")

			// Register values from docs/interfaces.md.
			reg := func(a uint32) uint32 {
				v, err := csr.CSR.Read32(a)
				require.NoError(t, err)
				return v
			}
			assert.Equal(t, uint32(0b10), reg(0x0010), "CTRL: promiscuous off, flow on")
			assert.Equal(t, uint32(0x5e7f1234), reg(0x0040), "MAC_LO(0)")
			assert.Equal(t, uint32(0x80000100), reg(0x0044), "MAC_HI(0)")
			assert.Equal(t, uint32(0xbbccddee), reg(0x0048), "MAC_LO(1)")
			assert.Equal(t, uint32(0x800002aa), reg(0x004c), "MAC_HI(1)")
			assert.Zero(t, reg(0x0054)&(1<<31), "MAC slot 2 invalid")
			assert.Equal(t, uint32(1<<20|1<<16|443), reg(0x0060), "RULE(0)")
			assert.Equal(t, uint32(2<<20|0<<16|53), reg(0x0064), "RULE(1)")
			assert.Zero(t, reg(0x0068), "RULE(2) off")
			assert.Equal(t, uint32(0x01234567), reg(0x0100), "KEY(0,0)")
			assert.Equal(t, uint32(0x6d5a56da), reg(0x0140), "KEY(1,0): Microsoft")
			assert.Equal(t, uint32(9), reg(0x0080))
			assert.Equal(t, uint32(3), reg(0x0084))
			assert.Equal(t, 1, csr.Writes[0x0020], "COUNTER_CLEAR")
			assert.Equal(t, [4096]uint8(t0), csr.Table(0, true))
			assert.Equal(t, [4096]uint8(t1), csr.Table(1, true))
			assert.Equal(t, [4096]uint8(specDefault()), csr.Table(3, true))

			st := statusJSON(t, dev)
			assert.Equal(t, false, st["promiscuous"])
			assert.Equal(t, true, st["flow_state"])
		})
	}
}

func TestConfigureSim(t *testing.T) {
	simUsable(t)
	privateLocks(t)
	for _, dev := range []string{"testsim:cfg", "testsim:cfg,link"} {
		t.Run(dev, func(t *testing.T) {
			path, t0, t1 := writeSiteConfig(t, false)
			code, out, errs := runDev(t, "configure", "-d", dev, "--config", path, "--progress", "never")
			require.Equal(t, 0, code, errs)
			assert.Contains(t, out, "tables verified and committed")
			dir := t.TempDir()
			for p, want := range []table.Table{t0, t1, specDefault(), specDefault()} {
				img := writeImage(t, dir, "want.img", uint8(p), want)
				code, out, errs = runDev(t, "verify", "-d", dev, "-i", img)
				assert.Equal(t, 0, code, "partition %d: %s%s", p, out, errs)
			}
			st := statusJSON(t, dev)
			assert.Equal(t, false, st["promiscuous"])
			assert.Equal(t, false, st["flow_state"])

			// SPEC defaults put everything back.
			empty := filepath.Join(dir, "empty.yaml")
			require.NoError(t, os.WriteFile(empty, []byte("{}\n"), 0o644))
			code, _, errs = runDev(t, "configure", "-d", dev, "--config", empty, "--progress", "never")
			require.Equal(t, 0, code, errs)
			img := writeImage(t, dir, "def.img", 0, specDefault())
			code, _, errs = runDev(t, "verify", "-d", dev, "-i", img)
			assert.Equal(t, 0, code, errs)
			assert.Equal(t, true, statusJSON(t, dev)["promiscuous"])
		})
	}
}

func TestConfigureRefusedBeforeAnyWrite(t *testing.T) {
	privateLocks(t)
	path, _, _ := writeSiteConfig(t, false)

	small := testCSR("cfgsmall")
	small.Caps = 1 | 8<<4 // one partition
	code, _, errs := runDev(t, "configure", "-d", "testcsr:cfgsmall", "--config", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "2 partitions configured, the device has 1")
	assert.Contains(t, errs, "nothing written")
	_, writes := small.accesses()
	assert.Zero(t, writes)

	narrow := testCSR("cfgnarrow")
	narrow.Caps = 4 | 4<<4
	code, _, errs = runDev(t, "configure", "-d", "testcsr:cfgnarrow", "--config", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "p0.img: entry")
	assert.Contains(t, errs, "4 bits")
	_, writes = narrow.accesses()
	assert.Zero(t, writes)

	// A table image that is damaged: refused before the device is opened.
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(path), "p1.img"), []byte("FSTB"), 0o644))
	fresh := testCSR("cfgbadimg")
	code, _, errs = runDev(t, "configure", "-d", "testcsr:cfgbadimg", "--config", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "partitions[1].table")
	assert.Contains(t, errs, "nothing written")
	assert.Equal(t, 1, strings.Count(errs, "\n"))
	reads, writes := fresh.accesses()
	assert.Zero(t, reads+writes)
}
