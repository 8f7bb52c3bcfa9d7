// Package drivertest provides a Go model of the flowsteer CSR block (the
// register map of docs/interfaces.md with table banks and COMMIT) for
// driver tests, usable directly as a driver.Transport or behind the link
// protocol as a link.Registers.
package drivertest

import (
	"fmt"

	"github.com/flowsteer/flowsteer/driver"
)

// CSR models the register block. Addresses outside the map answer an
// AXI error, and writes to read-only registers too, so driver bugs show.
type CSR struct {
	Caps       uint32
	ID         uint32
	Version    uint32
	Regs       map[uint32]uint32 // plain RW registers (CTRL, keys, rules, ...)
	Bank       [driver.MaxPartitions][2][driver.TableEntries]uint8
	ActiveBank uint8 // bit p = which bank is active for partition p
	TableSel   uint32
	// PendingReads is how many STATUS reads report commit-pending after a
	// COMMIT (frames still draining). Negative: it never clears.
	PendingReads int
	pending      int
	// StuckShadow, when >= 0, is a shadow entry whose writes are lost.
	StuckShadow int
	// Writes counts writes per address (COMMIT included).
	Writes map[uint32]int
}

// NewCSR returns the model in its reset state (SPEC defaults).
func NewCSR() *CSR {
	c := &CSR{
		Caps: driver.ResetCaps, ID: driver.ResetID, Version: driver.ResetVersion,
		Regs: map[uint32]uint32{driver.RegCtrl: driver.ResetCtrl}, StuckShadow: -1,
		Writes: map[uint32]int{},
	}
	for p := range c.Bank {
		for b := range c.Bank[p] {
			for i := range c.Bank[p][b] {
				c.Bank[p][b][i] = uint8(i % 8)
			}
		}
		for w := 0; w < driver.RegKeyWCount; w++ {
			c.Regs[driver.RegKey(p, w)] = driver.ResetKeyWords[w]
		}
	}
	return c
}

func (c *CSR) bank(part int, active bool) *[driver.TableEntries]uint8 {
	a := int(c.ActiveBank>>part) & 1
	if !active {
		a ^= 1
	}
	return &c.Bank[part][a]
}

// Table returns the bank of a partition as the device would use it.
func (c *CSR) Table(part int, active bool) [driver.TableEntries]uint8 { return *c.bank(part, active) }

func isRW(addr uint32) bool {
	switch {
	case addr == driver.RegScratch, addr == driver.RegCtrl:
		return true
	case addr >= driver.RegMACLoBase && addr < driver.RegMACLoBase+8*driver.RegMACLoCount:
		return true
	case addr >= driver.RegRuleBase && addr < driver.RegRuleBase+4*driver.RegRuleCount:
		return true
	case addr >= driver.RegEQTMBase && addr < driver.RegEQTMBase+4*driver.RegEQTMCount:
		return true
	case addr >= driver.RegKeyBase && addr < driver.RegKeyBase+driver.RegKeyPStride*driver.RegKeyPCount && (addr-driver.RegKeyBase)%driver.RegKeyPStride < 4*driver.RegKeyWCount:
		return true
	}
	return false
}

func isCounter(addr uint32) bool {
	return addr >= driver.RegCntFrames && addr <= driver.RegCntFlowFlushes
}

// Read32 implements driver.Transport.
func (c *CSR) Read32(addr uint32) (uint32, error) {
	switch {
	case addr == driver.RegID:
		return c.ID, nil
	case addr == driver.RegVersion:
		return c.Version, nil
	case addr == driver.RegCaps:
		return c.Caps, nil
	case addr == driver.RegStatus:
		v := uint32(c.ActiveBank)
		if c.pending != 0 {
			v |= driver.StatusCommitPendingMask
			if c.pending > 0 {
				c.pending--
			}
		}
		return v, nil
	case addr == driver.RegTableSel:
		return c.TableSel, nil
	case addr >= driver.RegTableShadowBase && addr < driver.RegTableShadowBase+4*driver.TableEntries:
		return uint32(c.bank(int(c.TableSel), false)[(addr-driver.RegTableShadowBase)/4]), nil
	case addr >= driver.RegTableActiveBase && addr < driver.RegTableActiveBase+4*driver.TableEntries:
		return uint32(c.bank(int(c.TableSel), true)[(addr-driver.RegTableActiveBase)/4]), nil
	case isRW(addr), isCounter(addr):
		return c.Regs[addr], nil
	}
	return 0, fmt.Errorf("csr: read of unmapped address 0x%04x", addr)
}

// Write32 implements driver.Transport.
func (c *CSR) Write32(addr, val uint32) error {
	c.Writes[addr]++
	mask := uint8(1<<((c.Caps&driver.CapsTMBitsMask)>>driver.CapsTMBitsShift) - 1)
	switch {
	case addr == driver.RegCommit:
		m := uint8(val & driver.CommitMaskMask)
		c.ActiveBank ^= m
		c.pending = c.PendingReads
		return nil
	case addr == driver.RegTableSel:
		c.TableSel = val & driver.TableSelPartitionMask
		return nil
	case addr == driver.RegCounterClear, addr == driver.RegFlowCmd:
		return nil
	case addr >= driver.RegTableShadowBase && addr < driver.RegTableShadowBase+4*driver.TableEntries:
		i := int(addr-driver.RegTableShadowBase) / 4
		if i != c.StuckShadow {
			c.bank(int(c.TableSel), false)[i] = uint8(val) & mask
		}
		return nil
	case addr >= driver.RegTableActiveBase && addr < driver.RegTableActiveBase+4*driver.TableEntries:
		c.bank(int(c.TableSel), true)[(addr-driver.RegTableActiveBase)/4] = uint8(val) & mask
		return nil
	case isRW(addr):
		c.Regs[addr] = val
		return nil
	}
	return fmt.Errorf("csr: write of 0x%08x to read-only or unmapped address 0x%04x", val, addr)
}

// WriteBurst implements driver.Transport.
func (c *CSR) WriteBurst(addr uint32, vals []uint32) error {
	for i, v := range vals {
		if err := c.Write32(addr+4*uint32(i), v); err != nil {
			return err
		}
	}
	return nil
}

// Close implements driver.Transport.
func (c *CSR) Close() error { return nil }

// ReadReg and WriteReg make the model a link.Registers (AXI errors as ok=false).
func (c *CSR) ReadReg(addr uint16) (uint32, bool) {
	v, err := c.Read32(uint32(addr))
	return v, err == nil
}

func (c *CSR) WriteReg(addr uint16, val uint32) bool { return c.Write32(uint32(addr), val) == nil }
