package driver

import (
	"errors"
	"fmt"
	"time"
)

// Expected identification (ID and VERSION registers).
const (
	DeviceID           = ResetID
	SupportedMajor     = ResetVersion >> VersionMajorShift
	TableEntries       = RegTableShadowCount
	KeyBytes           = 4 * RegKeyWCount
	MaxRules           = RegRuleCount
	MaxGroupMACs       = RegMACLoCount
	MaxPartitions      = RegEQTMCount
	tableChunkEntries  = 256 // entries per burst: the link's WRITE8 maximum
	defaultCommitLimit = 2 * time.Second
)

// Bank names a table window: the shadow bank (written by ProgramTable) or
// the active bank (what frames see).
type Bank int

const (
	Shadow Bank = iota
	Active
)

func (b Bank) String() string {
	if b == Active {
		return "active"
	}
	return "shadow"
}

func (b Bank) base() uint32 {
	if b == Active {
		return RegTableActiveBase
	}
	return RegTableShadowBase
}

// Caps are the build parameters the CAPS register reports.
type Caps struct {
	Partitions   int
	TMBits       int
	FlowEnable   bool
	FlowSetsLog2 int
	FlowWays     int
}

// DecodeCaps splits a CAPS register value.
func DecodeCaps(v uint32) Caps {
	return Caps{
		Partitions:   int(v & CapsPartitionsMask >> CapsPartitionsShift),
		TMBits:       int(v & CapsTMBitsMask >> CapsTMBitsShift),
		FlowEnable:   v&CapsFlowEnableMask != 0,
		FlowSetsLog2: int(v & CapsFlowSetsLog2Mask >> CapsFlowSetsLog2Shift),
		FlowWays:     int(v & CapsFlowWaysMask >> CapsFlowWaysShift),
	}
}

// Identity is what Check found.
type Identity struct {
	ID           uint32
	Major, Minor int
	Caps         Caps
}

// Status is the decoded STATUS register.
type Status struct {
	ActiveBank    uint8 // bit p = bank of partition p
	CommitPending bool
	Busy          bool
}

// DecodeStatus splits a STATUS register value.
func DecodeStatus(v uint32) Status {
	return Status{
		ActiveBank:    uint8(v & StatusActiveBankMask >> StatusActiveBankShift),
		CommitPending: v&StatusCommitPendingMask != 0,
		Busy:          v&StatusBusyMask != 0,
	}
}

// Ctrl is the decoded CTRL register.
type Ctrl struct {
	Promiscuous bool
	FlowEnable  bool
}

func (c Ctrl) encode() uint32 {
	var v uint32
	if c.Promiscuous {
		v |= CtrlPromiscMask
	}
	if c.FlowEnable {
		v |= CtrlFlowEnMask
	}
	return v
}

// Counters are the device's frame counters.
type Counters struct {
	Frames                            uint32
	Action                            [RegCntActionCount]uint32
	Reason                            [RegCntReasonCount]uint32
	FlowHits, FlowMisses, FlowInserts uint32
	FlowEvictions, FlowFlushes        uint32
}

// Rule protocol codes (docs/interfaces.md).
const (
	ProtoOff = 0
	ProtoTCP = 1
	ProtoUDP = 2
	ProtoAny = 3
)

// Rule is one partition rule.
type Rule struct {
	Proto     uint8 // ProtoTCP, ProtoUDP or ProtoAny (ProtoOff disables)
	Port      uint16
	Partition uint8
}

// Device is a flowsteer device behind one Transport, with typed helpers for
// everything the CLI does. It is not safe for concurrent use; the device
// lock (Open) keeps other processes out.
type Device struct {
	t    Transport
	lock *DeviceLock
	name string
	caps *Caps

	// CommitTimeout bounds the wait for STATUS commit-pending to clear.
	CommitTimeout time.Duration
	// PollInterval is the pause between STATUS polls (0: poll back to back,
	// right for links whose round trip is itself the pause).
	PollInterval time.Duration
}

// New wraps a transport already opened (tests, the simulator). No lock.
func New(t Transport, name string) *Device {
	return &Device{t: t, name: name, CommitTimeout: defaultCommitLimit}
}

// Open locks the device named dev, opens its transport and checks ID and
// VERSION. dev is sim, usb:VID:PID, spi:/dev/spidevB.C or pcie:DDDD:BB:DD.F.
func Open(dev string) (*Device, error) {
	if _, _, err := SplitDevice(dev); err != nil {
		return nil, err
	}
	lock, err := LockDevice(dev)
	if err != nil {
		return nil, err
	}
	t, err := OpenTransport(dev)
	if err != nil {
		lock.Unlock()
		return nil, err
	}
	d := New(t, dev)
	d.lock = lock
	if _, err := d.Check(); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Name is the device name given to Open or New.
func (d *Device) Name() string { return d.name }

// Transport is the underlying transport.
func (d *Device) Transport() Transport { return d.t }

// Close closes the transport and releases the lock.
func (d *Device) Close() error {
	err := d.t.Close()
	if uerr := d.lock.Unlock(); err == nil {
		err = uerr
	}
	return err
}

func (d *Device) errf(format string, a ...any) error {
	return fmt.Errorf("%s: "+format, append([]any{d.name}, a...)...)
}

func (d *Device) read(what string, addr uint32) (uint32, error) {
	v, err := d.t.Read32(addr)
	if err != nil {
		return 0, d.errf("read %s (0x%04x): %w", what, addr, err)
	}
	return v, nil
}

func (d *Device) write(what string, addr, v uint32) error {
	if err := d.t.Write32(addr, v); err != nil {
		return d.errf("write %s (0x%04x): %w", what, addr, err)
	}
	return nil
}

// Check reads ID, VERSION and CAPS and fails unless this is a flowsteer
// device of a supported major version.
func (d *Device) Check() (Identity, error) {
	id, err := d.read("ID", RegID)
	if err != nil {
		return Identity{}, err
	}
	if id != DeviceID {
		return Identity{}, d.errf("not a flowsteer device: ID = 0x%08x, want 0x%08x", id, uint32(DeviceID))
	}
	ver, err := d.read("VERSION", RegVersion)
	if err != nil {
		return Identity{}, err
	}
	ident := Identity{ID: id, Major: int(ver >> VersionMajorShift), Minor: int(ver & VersionMinorMask)}
	if ident.Major != SupportedMajor {
		return Identity{}, d.errf("register map version %d.%d not supported (want major %d)", ident.Major, ident.Minor, SupportedMajor)
	}
	capsV, err := d.read("CAPS", RegCaps)
	if err != nil {
		return Identity{}, err
	}
	ident.Caps = DecodeCaps(capsV)
	if ident.Caps.Partitions < 1 || ident.Caps.Partitions > MaxPartitions || ident.Caps.TMBits < 1 || ident.Caps.TMBits > 8 {
		return Identity{}, d.errf("implausible CAPS 0x%08x", capsV)
	}
	c := ident.Caps
	d.caps = &c
	return ident, nil
}

// Caps returns the capabilities, reading CAPS once.
func (d *Device) Caps() (Caps, error) {
	if d.caps == nil {
		if _, err := d.Check(); err != nil {
			return Caps{}, err
		}
	}
	return *d.caps, nil
}

func (d *Device) checkPartition(part int) error {
	c, err := d.Caps()
	if err != nil {
		return err
	}
	if part < 0 || part >= c.Partitions {
		return d.errf("partition %d out of range (device has %d)", part, c.Partitions)
	}
	return nil
}

// Status reads STATUS.
func (d *Device) Status() (Status, error) {
	v, err := d.read("STATUS", RegStatus)
	return DecodeStatus(v), err
}

// Ctrl reads CTRL.
func (d *Device) Ctrl() (Ctrl, error) {
	v, err := d.read("CTRL", RegCtrl)
	return Ctrl{Promiscuous: v&CtrlPromiscMask != 0, FlowEnable: v&CtrlFlowEnMask != 0}, err
}

// SetCtrl writes CTRL.
func (d *Device) SetCtrl(c Ctrl) error { return d.write("CTRL", RegCtrl, c.encode()) }

// Counters reads every counter.
func (d *Device) Counters() (Counters, error) {
	var c Counters
	regs := []struct {
		name string
		addr uint32
		dst  *uint32
	}{
		{"CNT_FRAMES", RegCntFrames, &c.Frames},
		{"CNT_FLOW_HITS", RegCntFlowHits, &c.FlowHits},
		{"CNT_FLOW_MISSES", RegCntFlowMisses, &c.FlowMisses},
		{"CNT_FLOW_INSERTS", RegCntFlowInserts, &c.FlowInserts},
		{"CNT_FLOW_EVICTIONS", RegCntFlowEvictions, &c.FlowEvictions},
		{"CNT_FLOW_FLUSHES", RegCntFlowFlushes, &c.FlowFlushes},
	}
	for i := range c.Action {
		regs = append(regs, struct {
			name string
			addr uint32
			dst  *uint32
		}{fmt.Sprintf("CNT_ACTION(%d)", i), RegCntAction(i), &c.Action[i]})
	}
	for i := range c.Reason {
		regs = append(regs, struct {
			name string
			addr uint32
			dst  *uint32
		}{fmt.Sprintf("CNT_REASON(%d)", i), RegCntReason(i), &c.Reason[i]})
	}
	for _, r := range regs {
		v, err := d.read(r.name, r.addr)
		if err != nil {
			return Counters{}, err
		}
		*r.dst = v
	}
	return c, nil
}

// ClearCounters zeroes every counter.
func (d *Device) ClearCounters() error {
	return d.write("COUNTER_CLEAR", RegCounterClear, CounterClearClearMask)
}

// FlushFlows flushes the whole flow table.
func (d *Device) FlushFlows() error {
	return d.write("FLOW_CMD", RegFlowCmd, FlowCmdFlushAllMask)
}

// FlushFlowsTM flushes the flow entries that point at tm (a failed TM).
func (d *Device) FlushFlowsTM(tm uint8) error {
	return d.write("FLOW_CMD", RegFlowCmd, FlowCmdFlushTMMask|uint32(tm)<<FlowCmdTMShift)
}

// WriteKey writes the 40-byte Toeplitz key of a partition.
func (d *Device) WriteKey(part int, key [KeyBytes]byte) error {
	if err := d.checkPartition(part); err != nil {
		return err
	}
	words := make([]uint32, RegKeyWCount)
	for w := range words {
		words[w] = uint32(key[4*w])<<24 | uint32(key[4*w+1])<<16 | uint32(key[4*w+2])<<8 | uint32(key[4*w+3])
	}
	if err := d.t.WriteBurst(RegKey(part, 0), words); err != nil {
		return d.errf("write KEY(%d): %w", part, err)
	}
	return nil
}

// ReadKey reads the Toeplitz key of a partition.
func (d *Device) ReadKey(part int) ([KeyBytes]byte, error) {
	var key [KeyBytes]byte
	if err := d.checkPartition(part); err != nil {
		return key, err
	}
	for w := 0; w < RegKeyWCount; w++ {
		v, err := d.read(fmt.Sprintf("KEY(%d,%d)", part, w), RegKey(part, w))
		if err != nil {
			return key, err
		}
		key[4*w], key[4*w+1], key[4*w+2], key[4*w+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	return key, nil
}

// WriteRules writes up to 8 rules in order; the remaining slots are
// disabled so no rule of an older configuration survives.
func (d *Device) WriteRules(rules []Rule) error {
	if len(rules) > MaxRules {
		return d.errf("%d rules, the device holds %d", len(rules), MaxRules)
	}
	c, err := d.Caps()
	if err != nil {
		return err
	}
	words := make([]uint32, MaxRules)
	for i, r := range rules {
		if r.Proto > ProtoAny {
			return d.errf("rule %d: protocol code %d (want 0 off, 1 tcp, 2 udp, 3 any)", i, r.Proto)
		}
		if int(r.Partition) >= c.Partitions {
			return d.errf("rule %d: partition %d out of range (device has %d)", i, r.Partition, c.Partitions)
		}
		words[i] = uint32(r.Port)<<RulePortShift | uint32(r.Partition)<<RulePartitionShift | uint32(r.Proto)<<RuleProtoShift
	}
	if err := d.t.WriteBurst(RegRule(0), words); err != nil {
		return d.errf("write RULE: %w", err)
	}
	return nil
}

// WriteMACs writes up to 4 group MACs; the remaining slots are invalidated.
func (d *Device) WriteMACs(macs [][6]byte) error {
	if len(macs) > MaxGroupMACs {
		return d.errf("%d group MACs, the device holds %d", len(macs), MaxGroupMACs)
	}
	// MAC_LO(i) and MAC_HI(i) interleave, so one burst covers all of them.
	words := make([]uint32, 2*MaxGroupMACs)
	for i, m := range macs {
		words[2*i] = uint32(m[2])<<24 | uint32(m[3])<<16 | uint32(m[4])<<8 | uint32(m[5])
		words[2*i+1] = MACHiValidMask | uint32(m[0])<<8 | uint32(m[1])
	}
	if err := d.t.WriteBurst(RegMACLo(0), words); err != nil {
		return d.errf("write MAC_LO/MAC_HI: %w", err)
	}
	return nil
}

// WriteEqualPortsTM writes the equal_ports_tm of a partition.
func (d *Device) WriteEqualPortsTM(part int, tm uint8) error {
	if err := d.checkPartition(part); err != nil {
		return err
	}
	return d.write(fmt.Sprintf("EQTM(%d)", part), RegEQTM(part), uint32(tm))
}

// waitCommitIdle polls STATUS until commit-pending is clear.
func (d *Device) waitCommitIdle() (Status, error) {
	deadline := time.Now().Add(d.CommitTimeout)
	for {
		st, err := d.Status()
		if err != nil {
			return st, err
		}
		if !st.CommitPending {
			return st, nil
		}
		if time.Now().After(deadline) {
			return st, d.errf("STATUS commit-pending still set after %v", d.CommitTimeout)
		}
		if d.PollInterval > 0 {
			time.Sleep(d.PollInterval)
		}
	}
}

func (d *Device) selectPartition(part int) error {
	return d.write("TABLE_SEL", RegTableSel, uint32(part))
}

// writeWindow writes n entries of a table window, in bursts.
func (d *Device) writeWindow(base uint32, t []uint8, progress func(int)) error {
	bb, packed := d.t.(ByteBurster)
	for start := 0; start < len(t); start += tableChunkEntries {
		end := min(start+tableChunkEntries, len(t))
		addr := base + uint32(4*start)
		var err error
		if packed {
			err = bb.WriteBurst8(addr, t[start:end])
		} else {
			words := make([]uint32, end-start)
			for i, v := range t[start:end] {
				words[i] = uint32(v)
			}
			err = d.t.WriteBurst(addr, words)
		}
		if err != nil {
			return fmt.Errorf("entries %d..%d: %w", start, end-1, err)
		}
		progress(end)
	}
	return nil
}

// readWindow reads n entries of a table window.
func (d *Device) readWindow(base uint32, out []uint8, mask uint32, progress func(int)) error {
	bb, packed := d.t.(ByteBurster)
	br, bursts := d.t.(BurstReader)
	for start := 0; start < len(out); start += tableChunkEntries {
		end := min(start+tableChunkEntries, len(out))
		addr := base + uint32(4*start)
		switch {
		case packed:
			vals, err := bb.ReadBurst8(addr, end-start)
			if err != nil {
				return fmt.Errorf("entries %d..%d: %w", start, end-1, err)
			}
			copy(out[start:end], vals)
		case bursts:
			vals, err := br.ReadBurst(addr, end-start)
			if err != nil {
				return fmt.Errorf("entries %d..%d: %w", start, end-1, err)
			}
			for i, v := range vals {
				out[start+i] = uint8(v & mask)
			}
		default:
			for i := start; i < end; i++ {
				v, err := d.t.Read32(base + uint32(4*i))
				if err != nil {
					return fmt.Errorf("entry %d: %w", i, err)
				}
				out[i] = uint8(v & mask)
			}
		}
		progress(end)
	}
	return nil
}

// ErrNotCommitted wraps every ProgramTable failure that happened before
// COMMIT was written: the active table is unchanged.
var ErrNotCommitted = errors.New("table not committed; the active table is unchanged")

// TableMismatch describes a verify failure.
type TableMismatch struct {
	Partition int
	Bank      Bank
	Count     int // entries that differ
	First     int // index of the first
	Got, Want uint8
}

func (m *TableMismatch) Error() string {
	return fmt.Sprintf("partition %d %s table: %d entries differ, first at %d: read %d, want %d",
		m.Partition, m.Bank, m.Count, m.First, m.Got, m.Want)
}

func compareTable(part int, bank Bank, got, want *[TableEntries]uint8) error {
	var mm *TableMismatch
	for i := range got {
		if got[i] != want[i] {
			if mm == nil {
				mm = &TableMismatch{Partition: part, Bank: bank, First: i, Got: got[i], Want: want[i]}
			}
			mm.Count++
		}
	}
	if mm != nil {
		return mm
	}
	return nil
}

// ProgramTable replaces the table of partition part without disturbing
// traffic: it writes the shadow bank in bursts, reads it back and compares,
// then writes COMMIT and waits until STATUS commit-pending clears. Any
// failure before COMMIT returns an error wrapping ErrNotCommitted and
// leaves the active table as it was. progress (may be nil) sees
// done/total over the write and the readback (total = 2*4096).
func (d *Device) ProgramTable(part int, t *[TableEntries]uint8, progress func(done, total int)) error {
	if t == nil {
		return d.errf("program table: no table")
	}
	if err := d.checkPartition(part); err != nil {
		return err
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	fail := func(step string, err error) error {
		return d.errf("program partition %d: %s: %w (%w)", part, step, err, ErrNotCommitted)
	}
	c, _ := d.Caps()
	limit := 1 << c.TMBits
	for i, v := range t {
		if int(v) >= limit {
			return fail("check", fmt.Errorf("entry %d = %d does not fit the device's %d-bit TM ids", i, v, c.TMBits))
		}
	}
	const total = 2 * TableEntries
	// A commit still pending means the shadow bank is the old active bank
	// and frames may still look it up: writing it now would change their
	// decisions.
	before, err := d.waitCommitIdle()
	if err != nil {
		return fail("wait for an earlier commit", err)
	}
	if step, err := d.stageShadow(part, t, uint32(limit-1), func(n int) { progress(n, total) }); err != nil {
		return fail(step, err)
	}
	if err := d.write("COMMIT", RegCommit, 1<<part); err != nil {
		// The write may or may not have reached the device.
		return d.errf("program partition %d: commit outcome unknown: %w", part, err)
	}
	after, err := d.waitCommitIdle()
	if err != nil {
		return d.errf("program partition %d: committed, but %w", part, err)
	}
	if (after.ActiveBank^before.ActiveBank)&(1<<part) == 0 {
		return d.errf("program partition %d: COMMIT written but the active bank did not change (STATUS 0x%x)", part, after.ActiveBank)
	}
	return nil
}

// stageShadow writes t into partition part's shadow bank, reads it back and
// compares: the half of programming that never touches the active table.
// On failure it names the step ("select", "write shadow", "read back
// shadow", "verify shadow"). mask covers the device's TM bits; progress
// sees 0..2*TableEntries.
func (d *Device) stageShadow(part int, t *[TableEntries]uint8, mask uint32, progress func(int)) (string, error) {
	if err := d.selectPartition(part); err != nil {
		return "select", err
	}
	if err := d.writeWindow(RegTableShadowBase, t[:], progress); err != nil {
		return "write shadow", err
	}
	var got [TableEntries]uint8
	if err := d.readWindow(RegTableShadowBase, got[:], mask, func(n int) { progress(TableEntries + n) }); err != nil {
		return "read back shadow", err
	}
	if err := compareTable(part, Shadow, &got, t); err != nil {
		return "verify shadow", err
	}
	return "", nil
}

// StageTable writes and verifies partition part's shadow bank without
// committing it, for hosts that time the COMMIT themselves (the testbench
// commits with frames in flight). It refuses while a commit is pending.
func (d *Device) StageTable(part int, t *[TableEntries]uint8) error {
	if err := d.checkPartition(part); err != nil {
		return err
	}
	st, err := d.Status()
	if err != nil {
		return err
	}
	if st.CommitPending {
		return d.errf("stage partition %d: an earlier commit is still pending", part)
	}
	c, err := d.Caps()
	if err != nil {
		return err
	}
	if step, err := d.stageShadow(part, t, uint32(1)<<c.TMBits-1, func(int) {}); err != nil {
		return d.errf("stage partition %d: %s: %w", part, step, err)
	}
	return nil
}

// ReadTable reads a partition's shadow or active bank.
func (d *Device) ReadTable(part int, bank Bank) (*[TableEntries]uint8, error) {
	if err := d.checkPartition(part); err != nil {
		return nil, err
	}
	c, _ := d.Caps()
	if err := d.selectPartition(part); err != nil {
		return nil, err
	}
	var t [TableEntries]uint8
	if err := d.readWindow(bank.base(), t[:], uint32(1<<c.TMBits-1), func(int) {}); err != nil {
		return nil, d.errf("read partition %d %s table: %w", part, bank, err)
	}
	return &t, nil
}

// VerifyTable reads a bank and compares it with want; a difference is a
// *TableMismatch.
func (d *Device) VerifyTable(part int, bank Bank, want *[TableEntries]uint8) error {
	got, err := d.ReadTable(part, bank)
	if err != nil {
		return err
	}
	if err := compareTable(part, bank, got, want); err != nil {
		return d.errf("verify: %w", err)
	}
	return nil
}
