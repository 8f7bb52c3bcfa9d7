package natport

import (
	"testing"

	"github.com/flowsteer/flowsteer/host"
)

// BenchmarkNATPort reports, in one run, the three ways of answering a query
// with SPEC defaults (Microsoft key, entry i = i mod 8, so each TM owns 512
// buckets and 8192 ports): ns/query for the precomputed table, the linear
// solver (all ports, and the first 10), brute force, and ns/build for one
// address's table.
func BenchmarkNATPort(b *testing.B) {
	var tab [4096]uint8
	for i := range tab {
		tab[i] = uint8(i % 8)
	}
	s := NewSolver(host.DefaultKey, &tab)
	tz := host.NewToeplitz(host.DefaultKey)
	addr, _ := ParseAddr("198.51.100.23")
	const d = 1023

	b.Run("table-query", func(b *testing.B) {
		pt := s.BuildPortTable(addr)
		n := 0
		for i := 0; b.Loop(); i++ {
			n += len(pt.Ports(uint8(i&7), uint16(d+i&0x3fff)))
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/query")
		sink = n
	})
	b.Run("table-build", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			a := addr
			a[15] = byte(i)
			sinkTable = s.BuildPortTable(a)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/build")
	})
	b.Run("solver-all", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			sink = len(s.Ports(addr, d, uint8(i&7)))
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/query")
	})
	b.Run("solver-first10", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			sink = len(s.First(addr, d, uint8(i&7), 10))
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/query")
	})
	b.Run("brute-force", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			sink = len(BruteForcePorts(tz, &tab, addr, d, uint8(i&7)))
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/query")
	})
	b.Run("new-solver", func(b *testing.B) {
		for b.Loop() {
			sinkSolver = NewSolver(host.DefaultKey, &tab)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/key")
	})
}

var (
	sink       int
	sinkTable  *PortTable
	sinkSolver *Solver
)
