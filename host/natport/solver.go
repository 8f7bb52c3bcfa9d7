// Package natport finds NAT self-source ports (SPEC 6, process 900 of
// US 7,395,349): for a translated source address A, a server port D and a
// target traffic manager t, the ports X > D whose flow A:X <-> server:D is
// steered to t in both directions.
//
// With X > D the outgoing frame is hashed as SRC_HASH on A ‖ X and the reply
// as DST_HASH on the same 18 bytes, so one table lookup decides both:
// X is usable iff X > D and table[toeplitz(key, A ‖ X_be16) & 0xfff] == t.
//
// Three ways of answering are provided and tested against each other:
//   - Solver.Ports: the exact GF(2) inverse of the port-to-index map;
//   - PortTable: every port of every TM for one address, built in one pass
//     over the 65536 ports, queried by binary search;
//   - BruteForcePorts: the full Toeplitz hash of every candidate.
package natport

import (
	"math/bits"

	"github.com/flowsteer/flowsteer/host"
)

// Solver answers port queries for one partition: one key and one table. It
// keeps its own copy of the table, so later edits of the caller's table do
// not change its answers. A Solver is read-only after NewSolver and safe for
// concurrent use.
type Solver struct {
	tz    *host.Toeplitz
	table [numIdx]uint8
	pm    *portMap
	// indicesOf[t] lists the table indices (buckets) whose entry is t.
	indicesOf [256][]uint16
}

// NewSolver precomputes the inverse of the port map for key and indexes table
// by TM. The table is a partition's 4096 entries (a *table.Table converts to
// *[4096]uint8).
func NewSolver(key host.Key, table *[4096]uint8) *Solver {
	s := &Solver{tz: host.NewToeplitz(key), table: *table}
	s.pm = newPortMap(s.tz)
	for i, t := range s.table {
		s.indicesOf[t] = append(s.indicesOf[t], uint16(i))
	}
	return s
}

// Key returns the partition key.
func (s *Solver) Key() host.Key { return s.tz.Key() }

// Table returns a copy of the partition table the solver was built with.
func (s *Solver) Table() [4096]uint8 { return s.table }

// Rank is the rank of the 12x16 port-to-index matrix M. Below 12 only
// 2^Rank of the 4096 buckets are reachable from any one address; each
// reachable bucket is hit by 2^(16-Rank) ports.
func (s *Solver) Rank() int { return s.pm.rank }

// Buckets is the number of table entries owned by tm.
func (s *Solver) Buckets(tm uint8) int { return len(s.indicesOf[tm]) }

// ReachableBuckets is the number of tm's buckets that some port (any X,
// including X <= D) reaches from addr. It is Buckets(tm) when Rank is 12.
func (s *Solver) ReachableBuckets(addr [16]byte, tm uint8) int {
	base := s.baseIndex(addr)
	n := 0
	for _, i := range s.indicesOf[tm] {
		if s.pm.reachable[i^base] {
			n++
		}
	}
	return n
}

// baseIndex is index(A, 0): the low 12 hash bits of A ‖ 0x0000.
func (s *Solver) baseIndex(addr [16]byte) uint16 {
	var h uint32
	for pos, v := range addr {
		h ^= s.tz.ByteContribution(pos, v)
	}
	return uint16(h & indexMask)
}

// Index is the table index of the 18-byte input A ‖ X, computed through the
// linear decomposition index(A, 0) XOR M·X.
func (s *Solver) Index(addr [16]byte, port uint16) uint16 {
	return s.baseIndex(addr) ^ s.pm.apply(port)
}

// TM is the traffic manager that A ‖ X is steered to (SRC_HASH for A:X -> D
// with X > D, DST_HASH for the reply).
func (s *Solver) TM(addr [16]byte, port uint16) uint8 {
	return s.table[s.Index(addr, port)]
}

// Ports returns, ascending, every port X > serverPort with which addr's flows
// land on tm. It is empty when tm owns no bucket, none of its buckets is
// reachable from addr, or no such port exceeds serverPort (serverPort 65535).
func (s *Solver) Ports(addr [16]byte, serverPort uint16, tm uint8) []uint16 {
	return s.first(addr, serverPort, tm, numPorts)
}

// First returns the n smallest usable ports (fewer if there are not n).
func (s *Solver) First(addr [16]byte, serverPort uint16, tm uint8, n int) []uint16 {
	if n <= 0 {
		return nil
	}
	return s.first(addr, serverPort, tm, n)
}

func (s *Solver) first(addr [16]byte, serverPort uint16, tm uint8, n int) []uint16 {
	if serverPort == 0xffff || len(s.indicesOf[tm]) == 0 {
		return nil
	}
	// Mark every solution of M·X = i XOR index(A,0), for each bucket i of tm,
	// in a 65536-bit set, then read the set upward from D+1: the answer comes
	// out sorted without a sort, in (solutions + 1024 words) steps.
	var set [numPorts / 64]uint64
	base := s.baseIndex(addr)
	total := 0
	for _, i := range s.indicesOf[tm] {
		y := i ^ base
		if !s.pm.reachable[y] {
			continue
		}
		p := s.pm.particular[y]
		for _, k := range s.pm.kernelSpan {
			x := p ^ k
			set[x>>6] |= 1 << (x & 63)
		}
		total += len(s.pm.kernelSpan)
	}
	if total == 0 {
		return nil
	}
	from := int(serverPort) + 1
	// Clear the bits <= D in the first word so the scan needs no per-bit test.
	w := from >> 6
	word := set[w] &^ (1<<(uint(from)&63) - 1)
	out := make([]uint16, 0, min(n, total))
	for {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			out = append(out, uint16(w<<6|b))
			if len(out) == n {
				return out
			}
			word &= word - 1
		}
		w++
		if w == len(set) {
			return out
		}
		word = set[w]
	}
}

// HashInput is the 18-byte SPEC 2 hash input A ‖ X (port big-endian): the
// SRC_HASH input of A:X -> server:D and the DST_HASH input of its reply.
func HashInput(addr [16]byte, port uint16) [18]byte {
	var in [18]byte
	copy(in[:16], addr[:])
	in[16], in[17] = byte(port>>8), byte(port)
	return in
}

// BruteForcePorts is the independent side: for every X in D+1..65535 it
// hashes the whole 18-byte input with tz and looks the index up in table.
func BruteForcePorts(tz *host.Toeplitz, table *[4096]uint8, addr [16]byte, serverPort uint16, tm uint8) []uint16 {
	var out []uint16
	for x := int(serverPort) + 1; x < numPorts; x++ {
		in := HashInput(addr, uint16(x))
		if table[tz.Hash(in[:])&indexMask] == tm {
			out = append(out, uint16(x))
		}
	}
	return out
}
