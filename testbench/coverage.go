package testbench

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/flowsteer/flowsteer/host"
)

// Coverage counts functional coverage bins over everything a bench ran: the
// decisions (every action and reason, every partition), the shapes of the
// frames (VLAN depth and TPID, IPv6 extension header kinds and chain
// lengths, ports across beat boundaries and the 256-byte window), the
// backpressure patterns, and table commits and key changes. A nil
// *Coverage counts nothing. Safe for concurrent use.
//
// The frame shapes come from a small walk of the frame's own (not the
// model's parser), so a parser bug cannot hide a hole in the stimulus.
type Coverage struct {
	mu    sync.Mutex
	count map[string]uint64
	bins  []string // required bins, in report order
}

const (
	binCommit    = "change/table-commit"
	binKeyChange = "change/key"
	// A COMMIT written during a batch that frames before it still decided
	// with the old table, i.e. that met frames already accepted.
	binCommitInFlight = "change/commit-in-flight"
	// From the device's flow counters at Finish.
	binFlowEviction = "flow/eviction"
	binFlowFlush    = "flow/flushed-entries"
)

// NewCoverage makes the bin list; flowState adds the FLOW_STATE reason.
func NewCoverage(flowState bool) *Coverage {
	c := &Coverage{count: map[string]uint64{}}
	for a := 0; a < host.NumActions; a++ {
		c.bins = append(c.bins, "action/"+host.Action(a).String())
	}
	for r := 0; r < host.NumReasons; r++ {
		if host.Reason(r) == host.ReasonFlowState && !flowState {
			continue
		}
		c.bins = append(c.bins, "reason/"+host.Reason(r).String())
	}
	for p := 0; p < host.MaxPartitions; p++ {
		c.bins = append(c.bins, fmt.Sprintf("partition/%d", p))
	}
	c.bins = append(c.bins, "vlan/0", "vlan/1", "vlan/2", "vlan/3-toodeep",
		"tpid/8100", "tpid/88a8", "tpid/9100")
	for i := 0; i <= 8; i++ {
		c.bins = append(c.bins, fmt.Sprintf("ipv6-chain/%d", i))
	}
	c.bins = append(c.bins, "ipv6-chain/9-toodeep",
		"ipv6-ext/hop-by-hop", "ipv6-ext/routing", "ipv6-ext/dest-options", "ipv6-ext/ah",
		"ipv6-ext/fragment-atomic", "ipv6-ext/fragment",
		"ipv4/options", "ipv4/fragment-mf", "ipv4/fragment-offset",
		"len/0", "len/1-13", "len/14-63", "len/64-255", "len/256+",
		"ports/straddle-beat", "ports/end-past-window", "ports/end-past-capture",
		"bp/none", "bp/random", "bp/bursty", "bp/decstall",
		binCommit, binCommitInFlight, binKeyChange)
	if flowState {
		c.bins = append(c.bins, binFlowEviction, binFlowFlush)
	}
	return c
}

func (c *Coverage) hit(bin string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.count[bin]++
	c.mu.Unlock()
}

func (c *Coverage) hitPattern(p Pattern) { c.hit("bp/" + p.String()) }

// addFrame counts one frame and its hardware decision.
func (c *Coverage) addFrame(frame []byte, d host.Decision) {
	if c == nil {
		return
	}
	bins := make([]string, 0, 12)
	bins = append(bins, "action/"+d.Action.String(), "reason/"+d.Reason.String())
	if d.Action == host.ActionForward {
		bins = append(bins, fmt.Sprintf("partition/%d", d.Partition))
	}
	switch n := len(frame); {
	case n == 0:
		bins = append(bins, "len/0")
	case n < 14:
		bins = append(bins, "len/1-13")
	case n < 64:
		bins = append(bins, "len/14-63")
	case n < 256:
		bins = append(bins, "len/64-255")
	default:
		bins = append(bins, "len/256+")
	}
	bins = appendShapeBins(bins, frame)
	c.mu.Lock()
	for _, b := range bins {
		c.count[b]++
	}
	c.mu.Unlock()
}

// appendShapeBins walks the frame far enough to name its shape. It follows
// SPEC 2's layout (tags, IPv4/IPv6, extension headers) but decides nothing.
func appendShapeBins(bins []string, f []byte) []string {
	if len(f) < 14 {
		return bins
	}
	off, depth := 12, 0
	for off+2 <= len(f) {
		et := binary.BigEndian.Uint16(f[off:])
		if et != 0x8100 && et != 0x88a8 && et != 0x9100 {
			break
		}
		bins = append(bins, fmt.Sprintf("tpid/%04x", et))
		depth++
		if depth == 3 {
			return append(bins, "vlan/3-toodeep")
		}
		off += 4
	}
	bins = append(bins, fmt.Sprintf("vlan/%d", depth))
	if off+2 > len(f) {
		return bins
	}
	et := binary.BigEndian.Uint16(f[off:])
	l3 := off + 2
	l4 := -1
	switch {
	case et == 0x0800 && len(f) >= l3+20 && f[l3]>>4 == 4:
		ihl := int(f[l3] & 15)
		if ihl > 5 {
			bins = append(bins, "ipv4/options")
		}
		ff := binary.BigEndian.Uint16(f[l3+6:])
		if ff&0x2000 != 0 {
			bins = append(bins, "ipv4/fragment-mf")
		}
		if ff&0x1fff != 0 {
			bins = append(bins, "ipv4/fragment-offset")
		}
		if p := f[l3+9]; ihl >= 5 && ff&0x3fff == 0 && (p == 6 || p == 17) {
			l4 = l3 + 4*ihl
		}
	case et == 0x86dd && len(f) >= l3+40 && f[l3]>>4 == 6:
		next, o, chain := f[l3+6], l3+40, 0
		for next == 0 || next == 43 || next == 60 || next == 44 || next == 51 {
			if chain == 8 {
				return append(bins, "ipv6-chain/9-toodeep")
			}
			if o+8 > len(f) || o+8 > host.Window {
				return bins
			}
			var size int
			switch next {
			case 0:
				bins, size = append(bins, "ipv6-ext/hop-by-hop"), (int(f[o+1])+1)*8
			case 43:
				bins, size = append(bins, "ipv6-ext/routing"), (int(f[o+1])+1)*8
			case 60:
				bins, size = append(bins, "ipv6-ext/dest-options"), (int(f[o+1])+1)*8
			case 51:
				bins, size = append(bins, "ipv6-ext/ah"), (int(f[o+1])+2)*4
			case 44:
				if binary.BigEndian.Uint16(f[o+2:])&0xfff9 != 0 {
					return append(bins, "ipv6-ext/fragment")
				}
				bins, size = append(bins, "ipv6-ext/fragment-atomic"), 8
			}
			chain++
			next = f[o]
			o += size
		}
		bins = append(bins, fmt.Sprintf("ipv6-chain/%d", chain))
		if next == 6 || next == 17 {
			l4 = o
		}
	}
	if l4 >= 0 {
		end := l4 + 4
		switch {
		case end > host.Window:
			bins = append(bins, "ports/end-past-window")
		case end > len(f):
			bins = append(bins, "ports/end-past-capture")
		case l4/8 != (end-1)/8:
			bins = append(bins, "ports/straddle-beat")
		}
	}
	return bins
}

// Count is one bin's count.
func (c *Coverage) Count(bin string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count[bin]
}

// Missing lists the required bins never hit.
func (c *Coverage) Missing() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, b := range c.bins {
		if c.count[b] == 0 {
			out = append(out, b)
		}
	}
	return out
}

// Write prints every required bin with its count, UNHIT marked.
func (c *Coverage) Write(w io.Writer) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var s strings.Builder
	hit := 0
	for _, b := range c.bins {
		n := c.count[b]
		mark := ""
		if n == 0 {
			mark = "  UNHIT"
		} else {
			hit++
		}
		fmt.Fprintf(&s, "  %-28s %12d%s\n", b, n, mark)
	}
	fmt.Fprintf(&s, "coverage: %d of %d bins hit\n", hit, len(c.bins))
	_, err := io.WriteString(w, s.String())
	return err
}
