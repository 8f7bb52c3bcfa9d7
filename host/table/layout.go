package table

// Layout: why entries are interleaved.
//
// The table index is the 12 low bits of the Toeplitz hash. When the hash is
// uniform any layout gives every TM its count/4096 share, but real traffic
// and real deployments are not that kind:
//
//   - few flows, or hash inputs that differ in few bits, exercise only some
//     low-bit patterns, and a smaller or partly programmed table (a device
//     built with fewer index bits, or a host that rewrites a window of the
//     table) uses a contiguous range of indices. With contiguous blocks
//     (TM 0 = entries 0..511, ...) such a range lands on one TM; with
//     interleaving every window of L consecutive entries holds each TM's
//     share of L within a few entries.
//   - the SPEC default table (i mod 8) is interleaved, so Uniform(8) built
//     this way reproduces it exactly.
//
// The sequence is the "chairman assignment" (smooth apportionment) order:
// slot k goes to the TM whose running deficit counts[i]*(k+1)/n - given[i]
// is largest among TMs still owed entries, lower TM id on ties. It meets
// every count exactly and keeps each TM's count over the first k entries
// within two entries of counts[i]*k/n at every k (usually within one; the
// tests check two), so any window is within four.

// interleave returns n slots holding counts[i] copies of i, spread as above.
// The counts must add up to n.
func interleave(counts []int, n int) []uint8 {
	seq := make([]uint8, n)
	given := make([]int, len(counts))
	for k := 0; k < n; k++ {
		best := -1
		var bestDeficit int64
		for i, c := range counts {
			if given[i] >= c {
				continue
			}
			// deficit scaled by n to stay in integers
			d := int64(c)*int64(k+1) - int64(given[i])*int64(n)
			if best < 0 || d > bestDeficit {
				best, bestDeficit = i, d
			}
		}
		seq[k] = uint8(best)
		given[best]++
	}
	return seq
}
