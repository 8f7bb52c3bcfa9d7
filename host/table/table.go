// Package table builds, rebalances, compares and serialises the 4096-entry
// allocation tables that map a Toeplitz hash index to a traffic manager (TM)
// (SPEC 3: index = hash & 0xfff; tm = table[partition][index]).
//
// Entry counts are the largest-remainder (Hamilton) apportionment of the 4096
// entries over the TM weights, so no TM is ever more than one entry away from
// its ideal share. Entries of one TM are interleaved over the index space
// rather than laid out as contiguous blocks (see layout.go for why).
package table

import "fmt"

// Size is the number of entries of a table: the 12 low bits of the hash.
const Size = 4096

// MaxTMs is the number of distinct TM ids an 8-bit entry can name.
const MaxTMs = 256

// Table holds one partition's allocation: entry i is the TM of hash index i.
type Table [Size]uint8

// Default is the SPEC 1 reset table: entry i = i mod 8.
func Default() Table {
	var t Table
	for i := range t {
		t[i] = uint8(i % 8)
	}
	return t
}

// Counts returns the number of entries of each TM id. The slice has ntm
// elements, or more if the table names a TM id >= ntm (it then reaches the
// largest id present), so no entry is silently left out of the count.
func (t *Table) Counts(ntm int) []int {
	n := max(ntm, 0)
	for _, tm := range t {
		if int(tm) >= n {
			n = int(tm) + 1
		}
	}
	counts := make([]int, n)
	for _, tm := range t {
		counts[tm]++
	}
	return counts
}

// MaxTM returns the largest TM id the table names.
func (t *Table) MaxTM() int {
	m := 0
	for _, tm := range t {
		m = max(m, int(tm))
	}
	return m
}

// validTMCount rejects TM counts outside 1..256.
func validTMCount(n int) error {
	if n < 1 || n > MaxTMs {
		return fmt.Errorf("number of TMs %d out of range 1..%d", n, MaxTMs)
	}
	return nil
}
