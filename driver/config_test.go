package driver_test

import (
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/driver/drivertest"
	"github.com/flowsteer/flowsteer/driver/link"
	"github.com/flowsteer/flowsteer/host"
)

// The expectations below are written from docs/interfaces.md, not from the
// driver's generated constants, so a wrong constant or encoding in either
// place shows up as a difference.
const (
	docCtrl       = 0x0010
	docCommit     = 0x0018
	docFlowCmd    = 0x001C
	docMACLo0     = 0x0040 // + 8i
	docMACHi0     = 0x0044 // + 8i
	docRule0      = 0x0060 // + 4i
	docEQTM0      = 0x0080 // + 4p
	docKey0       = 0x0100 // + 0x40p + 4w
	docMSKey      = "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa"
	docCapsFull   = 4 | 8<<4 | 1<<8 | 10<<12 | 4<<16 // 4 partitions, 8-bit TMs, 1024 x 4 flow table
	docPartitions = 4
)

// docExpected maps a configuration to every RW register value and active
// table the device must hold afterwards, for a device of nparts partitions.
func docExpected(t *testing.T, cfg *host.Config, nparts int) (map[uint32]uint32, [][4096]uint8) {
	t.Helper()
	regs := map[uint32]uint32{}
	ctrl := uint32(0)
	if cfg.Promiscuous {
		ctrl |= 1
	}
	if cfg.FlowState.Enabled {
		ctrl |= 2
	}
	regs[docCtrl] = ctrl
	for i := 0; i < 4; i++ {
		lo, hi := uint32(0), uint32(0)
		if i < len(cfg.GroupMACs) {
			m := cfg.GroupMACs[i]
			lo = uint32(m[2])<<24 | uint32(m[3])<<16 | uint32(m[4])<<8 | uint32(m[5])
			hi = 1<<31 | uint32(m[0])<<8 | uint32(m[1])
		}
		regs[docMACLo0+8*uint32(i)] = lo
		regs[docMACHi0+8*uint32(i)] = hi
	}
	for i := 0; i < 8; i++ {
		v := uint32(0)
		if i < len(cfg.Rules) {
			r := cfg.Rules[i]
			var proto uint32
			switch r.Proto.String() {
			case "tcp":
				proto = 1
			case "udp":
				proto = 2
			case "any":
				proto = 3
			}
			v = uint32(r.Port) | uint32(r.Partition)<<16 | proto<<20
		}
		regs[docRule0+4*uint32(i)] = v
	}
	var msKey [40]byte
	n, err := hex.Decode(msKey[:], []byte(docMSKey))
	require.NoError(t, err)
	require.Equal(t, 40, n)
	var tables [][4096]uint8
	for p := 0; p < nparts; p++ {
		key, eq := msKey, uint8(0)
		var tab [4096]uint8
		for i := range tab {
			tab[i] = uint8(i % 8)
		}
		if p < len(cfg.Partitions) {
			pc := cfg.Partitions[p]
			key, eq = pc.Key, pc.EqualPortsTM
			if pc.Table != nil {
				tab = *pc.Table
			}
		}
		for w := 0; w < 10; w++ {
			regs[docKey0+0x40*uint32(p)+4*uint32(w)] = uint32(key[4*w])<<24 | uint32(key[4*w+1])<<16 | uint32(key[4*w+2])<<8 | uint32(key[4*w+3])
		}
		regs[docEQTM0+4*uint32(p)] = uint32(eq)
		tables = append(tables, tab)
	}
	return regs, tables
}

func xorshiftTable(seed uint32, bits int) *[4096]uint8 {
	var t [4096]uint8
	x := seed*2654435761 + 7
	for i := range t {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		t[i] = uint8(x>>8) & uint8(1<<bits-1)
	}
	return &t
}

// dirty fills every configuration register and both banks of every table
// with values no configuration below uses, so a register ApplyConfig forgets
// keeps a value the expectation rejects.
func dirty(t *testing.T, csr *drivertest.CSR) {
	t.Helper()
	for a := uint32(docMACLo0); a < docMACLo0+32; a += 4 {
		require.NoError(t, csr.Write32(a, 0x8000_0000|a*0x01010101))
	}
	for a := uint32(docRule0); a < docRule0+32; a += 4 {
		require.NoError(t, csr.Write32(a, 3<<20|0x3_0000|a))
	}
	for p := uint32(0); p < 4; p++ {
		require.NoError(t, csr.Write32(docEQTM0+4*p, 0xEE))
		for w := uint32(0); w < 10; w++ {
			require.NoError(t, csr.Write32(docKey0+0x40*p+4*w, 0xDEAD0000|p<<8|w))
		}
		for b := range csr.Bank[p] {
			csr.Bank[p][b] = *xorshiftTable(100+p*2+uint32(b), 8)
		}
	}
	require.NoError(t, csr.Write32(docCtrl, 0x2))
	csr.ActiveBank = 0b1010
	csr.Writes = map[uint32]int{}
}

// configTransports runs f over the CSR model directly and behind the link
// protocol's bridge model (the byte-burst path).
func configTransports(t *testing.T, f func(t *testing.T, csr *drivertest.CSR, d *driver.Device)) {
	t.Run("direct", func(t *testing.T) {
		csr := drivertest.NewCSR()
		f(t, csr, driver.New(csr, "direct"))
	})
	t.Run("link", func(t *testing.T) {
		csr := drivertest.NewCSR()
		c, err := link.NewConn(link.NewLoopback(csr))
		require.NoError(t, err)
		f(t, csr, driver.New(c, "link"))
	})
}

func sampleConfig() *host.Config {
	cfg := host.DefaultConfig()
	cfg.Promiscuous = false
	cfg.GroupMACs = [][6]byte{{0x01, 0x00, 0x5e, 0x7f, 0x12, 0x34}, {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee}}
	cfg.Rules = []host.Rule{
		{Proto: host.RuleProtoTCP, Port: 443, Partition: 1},
		{Proto: host.RuleProtoUDP, Port: 53, Partition: 2},
		{Proto: host.RuleProtoAny, Port: 0xBEEF, Partition: 0},
	}
	key, _ := host.ParseKey("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	cfg.Partitions = []host.PartitionConfig{
		{Key: key, EqualPortsTM: 7, Table: xorshiftTable(1, 8)},
		{Key: host.DefaultKey, EqualPortsTM: 200},          // default table
		{Key: host.DefaultKey, Table: xorshiftTable(2, 3)}, // narrow TMs
	}
	cfg.FlowState.Enabled = true
	return cfg
}

func checkAgainstDoc(t *testing.T, csr *drivertest.CSR, cfg *host.Config, nparts int) {
	t.Helper()
	regs, tables := docExpected(t, cfg, nparts)
	for addr, want := range regs {
		got, err := csr.Read32(addr)
		require.NoError(t, err)
		assert.Equalf(t, want, got, "register 0x%04x", addr)
	}
	for p := range tables {
		got := csr.Table(p, true)
		require.Equalf(t, tables[p], got, "active table of partition %d", p)
	}
}

func TestApplyConfigMatchesRegisterMap(t *testing.T) {
	configTransports(t, func(t *testing.T, csr *drivertest.CSR, d *driver.Device) {
		dirty(t, csr)
		cfg := sampleConfig()
		var last, calls, total int
		err := d.ApplyConfig(cfg, func(done, tot int) {
			require.GreaterOrEqual(t, done, last, "progress goes forward")
			last, total = done, tot
			calls++
		})
		require.NoError(t, err)
		checkAgainstDoc(t, csr, cfg, docPartitions)
		assert.Equal(t, 2*4096*docPartitions, total)
		assert.Equal(t, total, last)
		assert.Positive(t, calls)
		// One COMMIT for all four partitions, and an empty flow table.
		assert.Equal(t, 1, csr.Writes[docCommit])
		assert.Equal(t, 1, csr.Writes[docFlowCmd])

		// A second, SPEC-default configuration undoes everything.
		def := host.DefaultConfig()
		require.NoError(t, d.ApplyConfig(def, nil))
		checkAgainstDoc(t, csr, def, docPartitions)
		ctrl, err := csr.Read32(docCtrl)
		require.NoError(t, err)
		assert.Equal(t, uint32(1), ctrl, "SPEC default: promiscuous, flow state off")
	})
}

func TestApplyConfigSmallDevice(t *testing.T) {
	csr := drivertest.NewCSR()
	csr.Caps = 2 | 3<<4 // 2 partitions, 3-bit TMs, no flow table
	dirty(t, csr)
	cfg := host.DefaultConfig()
	cfg.Partitions = []host.PartitionConfig{{Key: host.DefaultKey, EqualPortsTM: 5, Table: xorshiftTable(9, 3)}}
	require.NoError(t, driver.New(csr, "small").ApplyConfig(cfg, nil))
	checkAgainstDoc(t, csr, cfg, 2)
	assert.Zero(t, csr.Writes[docFlowCmd], "no flow table to flush")
	// Partitions the device lacks are never touched.
	for w := uint32(0); w < 10; w++ {
		assert.Zero(t, csr.Writes[docKey0+0x40*2+4*w])
	}
}

func TestApplyConfigRefusedBeforeAnyWrite(t *testing.T) {
	wide := xorshiftTable(3, 4)
	wide[17] = 16 // needs 5 bits
	cases := []struct {
		name string
		caps uint32
		cfg  func(*host.Config)
		want string
	}{
		{"too many partitions", 2 | 8<<4, func(c *host.Config) {
			c.Partitions = []host.PartitionConfig{host.DefaultPartition(), host.DefaultPartition(), host.DefaultPartition()}
		}, "3 partitions configured, the device has 2"},
		{"rule past the partitions", 2 | 8<<4, func(c *host.Config) {
			c.Rules = []host.Rule{{Proto: host.RuleProtoTCP, Port: 80, Partition: 3}}
		}, "rules[0] sends frames to partition 3, the device has 2"},
		{"table too wide", 4 | 4<<4, func(c *host.Config) {
			c.Partitions = []host.PartitionConfig{host.DefaultPartition(), {Key: host.DefaultKey, Table: wide}}
		}, "partition 1 table: entry 17 is TM 16, the device's TM ids have 4 bits (max 15)"},
		{"equal_ports_tm too wide", 4 | 4<<4, func(c *host.Config) {
			c.Partitions = []host.PartitionConfig{{Key: host.DefaultKey, EqualPortsTM: 16}}
		}, "partition 0 equal_ports_tm 16 does not fit the device's 4-bit TM ids"},
		{"default table too wide", 1 | 2<<4, func(c *host.Config) {}, "partition 0 default table (entry i = i mod 8): entry 4 is TM 4"},
		{"no flow table", docCapsFull &^ (1 << 8), func(c *host.Config) { c.FlowState.Enabled = true }, "the device has no flow table"},
		{"flow geometry", docCapsFull, func(c *host.Config) { c.FlowState.Enabled, c.FlowState.Sets = true, 512 }, "flow state 512 sets x 4 ways, the device's flow table is 1024 x 4"},
		{"invalid config", docCapsFull, func(c *host.Config) { c.Rules = []host.Rule{{Proto: 0, Port: 1}} }, "rules[0].proto"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			csr := drivertest.NewCSR()
			csr.Caps = tc.caps
			cfg := host.DefaultConfig()
			tc.cfg(cfg)
			err := driver.New(csr, "dev").ApplyConfig(cfg, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "nothing written")
			assert.Empty(t, csr.Writes, "no register may be written")
		})
	}
}

func TestApplyConfigChecksIdentityFirst(t *testing.T) {
	csr := drivertest.NewCSR()
	csr.Version = 0x0002_0000
	err := driver.New(csr, "dev").ApplyConfig(host.DefaultConfig(), nil)
	require.ErrorContains(t, err, "version 2.0 not supported")
	assert.Empty(t, csr.Writes)
	csr = drivertest.NewCSR()
	csr.ID = 0
	require.ErrorContains(t, driver.New(csr, "dev").ApplyConfig(host.DefaultConfig(), nil), "not a flowsteer device")
	assert.Empty(t, csr.Writes)
}

// failingTransport passes everything to the CSR model but fails writes for
// which fail returns true.
type failingTransport struct {
	*drivertest.CSR
	fail func(addr uint32) bool
}

func (f *failingTransport) Write32(addr, v uint32) error {
	if f.fail(addr) {
		return fmt.Errorf("injected fault at 0x%04x", addr)
	}
	return f.CSR.Write32(addr, v)
}

func (f *failingTransport) WriteBurst(addr uint32, vals []uint32) error {
	for i, v := range vals {
		if err := f.Write32(addr+4*uint32(i), v); err != nil {
			return err
		}
	}
	return nil
}

// lossyCSR silently loses the writes for which drop returns true (a stuck
// RAM bit), on the direct path and behind the link bridge model.
type lossyCSR struct {
	*drivertest.CSR
	drop func(addr uint32) bool
}

func (l *lossyCSR) Write32(addr, v uint32) error {
	if l.drop(addr) {
		return nil
	}
	return l.CSR.Write32(addr, v)
}

func (l *lossyCSR) WriteBurst(addr uint32, vals []uint32) error {
	for i, v := range vals {
		if err := l.Write32(addr+4*uint32(i), v); err != nil {
			return err
		}
	}
	return nil
}

func (l *lossyCSR) WriteReg(addr uint16, v uint32) bool { return l.Write32(uint32(addr), v) == nil }

func TestApplyConfigFailureKeepsActiveTables(t *testing.T) {
	snapshot := func(csr *drivertest.CSR) (tabs [4][4096]uint8, regs map[uint32]uint32) {
		for p := range tabs {
			tabs[p] = csr.Table(p, true)
		}
		regs = map[uint32]uint32{}
		for a, v := range csr.Regs {
			regs[a] = v
		}
		return
	}
	t.Run("readback mismatch in partition 2", func(t *testing.T) {
		for _, viaLink := range []bool{false, true} {
			csr := drivertest.NewCSR()
			dirty(t, csr)
			tabs, regs := snapshot(csr)
			cfg := sampleConfig()
			// Partition 2's shadow entry 1234 loses its writes; make the
			// wanted value differ from what the bank holds.
			cfg.Partitions[2].Table[1234] = csr.Table(2, false)[1234] ^ 1
			lossy := &lossyCSR{CSR: csr, drop: func(a uint32) bool {
				return csr.TableSel == 2 && a == 0x4000+4*1234
			}}
			var tr driver.Transport = lossy
			if viaLink {
				c, err := link.NewConn(link.NewLoopback(lossy))
				require.NoError(t, err)
				tr = c
			}
			err := driver.New(tr, "dev").ApplyConfig(cfg, nil)
			require.Error(t, err)
			assert.True(t, errors.Is(err, driver.ErrNotCommitted), err.Error())
			assert.Contains(t, err.Error(), "partition 2: verify shadow")
			var mm *driver.TableMismatch
			require.ErrorAs(t, err, &mm)
			assert.Equal(t, 1234, mm.First)
			gotTabs, gotRegs := snapshot(csr)
			assert.Equal(t, tabs, gotTabs, "active tables unchanged")
			assert.Equal(t, regs, gotRegs, "no live register written")
			assert.Zero(t, csr.Writes[docCommit])
		}
	})
	t.Run("link dies mid-table", func(t *testing.T) {
		csr := drivertest.NewCSR()
		dirty(t, csr)
		tabs, regs := snapshot(csr)
		lb := link.NewLoopback(csr)
		c, err := link.NewConn(lb)
		require.NoError(t, err)
		c.Timeout = 0
		// The link stops carrying anything from frame 45 on: frame 0 was
		// SYNC, 1-3 ID/VERSION/CAPS, 4 STATUS, then each partition takes
		// TABLE_SEL + 16 WRITE8 + 16 READ8, so 45 is inside partition 1's
		// shadow write.
		lb.ToPeer = func(n int, b []byte) [][]byte {
			if n >= 45 {
				return nil
			}
			return [][]byte{b}
		}
		err = driver.New(c, "link").ApplyConfig(sampleConfig(), nil)
		require.Error(t, err)
		assert.ErrorIs(t, err, driver.ErrNotCommitted)
		assert.ErrorIs(t, err, link.ErrNoResponse)
		gotTabs, gotRegs := snapshot(csr)
		assert.Equal(t, tabs, gotTabs)
		assert.Equal(t, regs, gotRegs)
	})
	t.Run("key write fails", func(t *testing.T) {
		csr := drivertest.NewCSR()
		dirty(t, csr)
		tabs, _ := snapshot(csr)
		ft := &failingTransport{CSR: csr, fail: func(a uint32) bool { return a == docKey0+0x40*1+4*3 }}
		err := driver.New(ft, "dev").ApplyConfig(sampleConfig(), nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "partition 1 key")
		assert.Contains(t, err.Error(), "tables not committed")
		assert.NotContains(t, err.Error(), "dev: apply config: partition 1 key: dev:", "device name once")
		gotTabs, _ := snapshot(csr)
		assert.Equal(t, tabs, gotTabs)
		assert.Zero(t, csr.Writes[docCommit])
	})
}
