package natport

import "sort"

// PortTable is the precomputed self-source port table of one address (SPEC
// 6): for every TM, all ports 0..65535 whose A ‖ X lands on it, ascending. A
// query filters X > D by binary search, so it costs O(log n) and allocates
// nothing.
type PortTable struct {
	Addr [16]byte
	// ports holds every port 0..65535 once, grouped by TM; the ports of TM t
	// are ports[start[t]:start[t+1]], ascending.
	ports [numPorts]uint16
	start [257]uint32
}

// BuildPortTable computes addr's table. Because index(A, X) = index(A, 0) XOR
// hi[X>>8] XOR lo[X&0xff], each port costs two XORs and a table load; two
// such passes (count, then place) sort the ports by TM with the ports of each
// TM already ascending.
func (s *Solver) BuildPortTable(addr [16]byte) *PortTable {
	pt := &PortTable{Addr: addr}
	base := s.baseIndex(addr)
	var count [256]uint32
	for hi := 0; hi < 256; hi++ {
		h := base ^ s.pm.hi[hi]
		for lo := 0; lo < 256; lo++ {
			count[s.table[(h^s.pm.lo[lo])&indexMask]]++
		}
	}
	for t := 0; t < 256; t++ {
		pt.start[t+1] = pt.start[t] + count[t]
	}
	next := pt.start // next free slot of each TM
	for hi := 0; hi < 256; hi++ {
		h := base ^ s.pm.hi[hi]
		x := uint16(hi << 8)
		for lo := 0; lo < 256; lo++ {
			t := s.table[(h^s.pm.lo[lo])&indexMask]
			pt.ports[next[t]] = x | uint16(lo)
			next[t]++
		}
	}
	return pt
}

// All returns every port of tm (0..65535), ascending. The slice belongs to
// the table: callers must not modify it.
func (pt *PortTable) All(tm uint8) []uint16 {
	return pt.ports[pt.start[tm]:pt.start[int(tm)+1]:pt.start[int(tm)+1]]
}

// Ports returns tm's ports above serverPort, ascending, as a read-only view
// into the table (no copy).
func (pt *PortTable) Ports(tm uint8, serverPort uint16) []uint16 {
	all := pt.All(tm)
	i := sort.Search(len(all), func(i int) bool { return all[i] > serverPort })
	return all[i:]
}

// Count is the number of ports (0..65535) of tm.
func (pt *PortTable) Count(tm uint8) int { return int(pt.start[int(tm)+1] - pt.start[tm]) }
