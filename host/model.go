package host

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// TableSize is the number of buckets in an allocation table (SPEC 3):
// index = hash & 0xfff.
const TableSize = 4096

// MaxPartitions and MaxRules are SPEC 1's limits.
const (
	MaxPartitions = 4
	MaxRules      = 8
	MaxGroupMACs  = 4
)

// Model is the reference distributor: the readable statement of SPEC 2-5.
// Decide is safe for one goroutine at a time (flow state mutates).
type Model struct {
	macs       MACFilter
	partitions [MaxPartitions]partitionState
	rules      []Rule
	flows      *FlowTable // nil unless flow state is enabled (SPEC 5)
	input      [MaxHashInput]byte
}

type partitionState struct {
	hasher       *Toeplitz
	table        *[TableSize]uint8
	equalPortsTM uint8
}

// NewModel checks cfg and builds a model. Partitions that cfg does not list
// take SPEC 1's defaults, so every rule has a partition to point at.
func NewModel(cfg *Config) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Model{
		macs:  MACFilter{Promiscuous: cfg.Promiscuous, Groups: append([][6]byte(nil), cfg.GroupMACs...)},
		rules: append([]Rule(nil), cfg.Rules...),
	}
	hashers := map[Key]*Toeplitz{}
	for i := range m.partitions {
		pc := DefaultPartition()
		if i < len(cfg.Partitions) {
			pc = cfg.Partitions[i]
		}
		h, ok := hashers[pc.Key]
		if !ok {
			h = NewToeplitz(pc.Key)
			hashers[pc.Key] = h
		}
		t := new([TableSize]uint8)
		if pc.Table != nil {
			*t = *pc.Table
		} else {
			*t = DefaultTable()
		}
		m.partitions[i] = partitionState{hasher: h, table: t, equalPortsTM: pc.EqualPortsTM}
	}
	if cfg.FlowState.Enabled {
		ft, err := NewFlowTable(cfg.FlowState.Sets, cfg.FlowState.Ways)
		if err != nil {
			return nil, err
		}
		m.flows = ft
	}
	return m, nil
}

// DefaultTable is SPEC 1's default allocation: entry i = i mod 8.
func DefaultTable() [TableSize]uint8 {
	var t [TableSize]uint8
	for i := range t {
		t[i] = uint8(i % 8)
	}
	return t
}

// SetTable replaces partition p's table between frames (SPEC 3: a frame
// sees the old or the new table, whole).
func (m *Model) SetTable(p int, t *[TableSize]uint8) error {
	if p < 0 || p >= MaxPartitions {
		return fmt.Errorf("partition %d out of range 0..%d", p, MaxPartitions-1)
	}
	*m.partitions[p].table = *t
	return nil
}

// Table returns a copy of partition p's current table.
func (m *Model) Table(p int) [TableSize]uint8 { return *m.partitions[p].table }

// Flows returns the flow table, or nil when flow state is off.
func (m *Model) Flows() *FlowTable { return m.flows }

// Decide classifies one frame: SPEC 2, then the hash and table of SPEC 3,
// then flow state (SPEC 5) when enabled.
func (m *Model) Decide(frame []byte) Decision {
	var p Parsed
	Parse(frame, &m.macs, &p)
	return m.decideParsed(&p)
}

func (m *Model) decideParsed(p *Parsed) Decision {
	switch p.Outcome {
	case ReasonMACMiss:
		return Decision{Action: ActionBridge, Reason: ReasonMACMiss}
	case ReasonNotIP, ReasonMalformed, ReasonTooDeep:
		return Decision{Action: ActionControl, Reason: p.Outcome}
	case ReasonFragment:
		return Decision{Action: ActionFragment, Reason: ReasonFragment}
	case ReasonNonL4:
		// Step 7: partition 0, both addresses in a fixed order so the two
		// directions of a conversation hash alike.
		lo, hi := &p.Src, &p.Dst
		if bytes.Compare(lo[:], hi[:]) > 0 {
			lo, hi = hi, lo
		}
		in := m.input[:33]
		copy(in[0:16], lo[:])
		copy(in[16:32], hi[:])
		in[32] = p.Proto
		return m.lookup(0, ReasonNonL4, in)
	}

	// Step 9 (810): the partition.
	part := m.partitionOf(p.Proto, p.SrcPort, p.DstPort)
	// Step 10 (814, 832): equal ports carry no client side to hash.
	if p.SrcPort == p.DstPort {
		return Decision{Action: ActionForward, Reason: ReasonEqualPorts, Partition: uint8(part),
			TM: m.partitions[part].equalPortsTM}
	}
	// Step 11 (816/818, 834): hash the client side, the one with the
	// larger port, so both directions of a connection meet one TM.
	in := m.input[:18]
	reason := ReasonDstHash
	if p.SrcPort > p.DstPort {
		reason = ReasonSrcHash
		copy(in[0:16], p.Src[:])
		binary.BigEndian.PutUint16(in[16:], p.SrcPort)
	} else {
		copy(in[0:16], p.Dst[:])
		binary.BigEndian.PutUint16(in[16:], p.DstPort)
	}
	d := m.lookup(part, reason, in)
	if m.flows != nil {
		d = m.flows.Apply(uint8(part), in, d)
	}
	return d
}

// lookup hashes in with the partition's key and reads its table.
func (m *Model) lookup(part int, reason Reason, in []byte) Decision {
	ps := &m.partitions[part]
	h := ps.hasher.Hash(in)
	idx := uint16(h & (TableSize - 1))
	return Decision{Action: ActionForward, Reason: reason, Partition: uint8(part),
		TM: ps.table[idx], Hash: h, Index: idx}
}

// partitionOf is step 9: the first rule whose protocol matches and whose
// port is either port of the frame; no match is partition 0.
func (m *Model) partitionOf(proto uint8, sport, dport uint16) int {
	for _, r := range m.rules {
		if r.Proto.Matches(proto) && (r.Port == sport || r.Port == dport) {
			return int(r.Partition)
		}
	}
	return 0
}
