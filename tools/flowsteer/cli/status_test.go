package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Counter addresses and codes from docs/interfaces.md, so a swapped name or
// address in the driver or in status shows.
func TestStatusCounters(t *testing.T) {
	privateLocks(t)
	csr := testCSR("status")
	csr.Caps = 3 | 6<<4 | 1<<8 | 9<<12 | 2<<16
	csr.ActiveBank = 0b010
	csr.Regs[0x0300] = 1000   // CNT_FRAMES
	csr.Regs[0x0314] = 5      // CNT_ACTION(1) BRIDGE
	csr.Regs[0x0318] = 6      // CNT_ACTION(2) CONTROL
	csr.Regs[0x0340+4*7] = 42 // CNT_REASON(7) SRC_HASH
	csr.Regs[0x0340+4*9] = 77 // CNT_REASON(9) FLOW_STATE
	csr.Regs[0x038C] = 3      // CNT_FLOW_EVICTIONS
	csr.Regs[0x0384] = 11     // CNT_FLOW_MISSES
	csr.Regs[0x0010] = 0b10   // CTRL: flow on, not promiscuous
	reads0, writes0 := csr.accesses()

	code, out, errs := runDev(t, "status", "-d", "testcsr:status")
	require.Equal(t, 0, code, errs)
	assert.Regexp(t, `(?m)^caps\s+3 partitions, 6-bit TMs, flow table 512 sets x 2 ways$`, out)
	assert.Regexp(t, `(?m)^ctrl\s+promiscuous off, flow state on$`, out)
	assert.Regexp(t, `(?m)^partition 1\s+active bank 1$`, out)
	assert.Regexp(t, `(?m)^partition 2\s+active bank 0$`, out)
	assert.NotContains(t, out, "partition 3", "only the partitions the device has")
	assert.Regexp(t, `(?m)^frames\s+1000$`, out)
	assert.Regexp(t, `(?m)^action BRIDGE\s+5$`, out)
	assert.Regexp(t, `(?m)^action CONTROL\s+6$`, out)
	assert.Regexp(t, `(?m)^reason SRC_HASH\s+42$`, out)
	assert.Regexp(t, `(?m)^reason FLOW_STATE\s+77$`, out)
	assert.Regexp(t, `(?m)^flow\s+hits 0, misses 11, inserts 0, evictions 3, flushed 0$`, out)

	st := statusJSON(t, "testcsr:status")
	c := st["counters"].(map[string]any)
	assert.Equal(t, float64(42), c["reason"].(map[string]any)["SRC_HASH"])
	assert.Equal(t, float64(5), c["action"].(map[string]any)["BRIDGE"])
	assert.Equal(t, float64(3), c["flow"].(map[string]any)["evictions"])
	assert.Equal(t, []any{0.0, 1.0, 0.0}, st["active_bank"])
	assert.Equal(t, float64(512), st["caps"].(map[string]any)["flow_sets"])

	reads1, writes1 := csr.accesses()
	assert.Greater(t, reads1, reads0)
	assert.Equal(t, writes0, writes1, "status only reads")
}
