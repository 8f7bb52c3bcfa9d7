package table

import "fmt"

// Rebalance turns old into the table of newWeights while moving as few
// entries as possible. The new counts are the largest-remainder counts of
// newWeights; every TM keeps min(old, new) of its entries, so exactly
// minimum = sum over TMs of max(0, old_count - new_count) entries move, all
// from TMs that have too many to TMs that have too few. A hash bucket that
// does not move keeps its TM, so flows on it are not disturbed.
//
// TMs are added by giving a longer weight list, removed by weight 0 (or by a
// shorter list: a TM id of old beyond len(newWeights) is treated as weight 0),
// and reweighted by changing their weight.
//
// Which entries move: a TM with surplus s out of o entries releases s evenly
// spaced occurrences of its entries (in index order, with a per-TM phase so
// different TMs release at different places), and each released slot, in index order, goes
// to the TM still owed entries that is furthest behind its new share over the
// entries up to that slot (lower id on ties), so the result stays interleaved.
func Rebalance(old Table, newWeights []float64) (next Table, moved, minimum int, err error) {
	want, err := LargestRemainder(newWeights)
	if err != nil {
		return Table{}, 0, 0, err
	}
	have := old.Counts(len(want))
	want = append(want, make([]int, len(have)-len(want))...) // ids beyond the list: weight 0

	surplus := make([]int, len(have))
	deficit := make([]int, len(have))
	for i := range have {
		surplus[i] = max(0, have[i]-want[i])
		deficit[i] = max(0, want[i]-have[i])
		minimum += surplus[i]
	}

	next = old
	// TM i releases its occurrences floor((m + phase_i) * o / s), m = 0..s-1:
	// s of its o entries, evenly spaced. The phases differ between TMs
	// (Fibonacci hashing of the rank among releasing TMs) so that TMs with
	// the same spacing do not all release at the same places of the index
	// space, which would leave the freed slots, and the TMs that receive
	// them, bunched.
	phase := make([]uint64, len(have))
	rank := uint64(0)
	for i := range have {
		if surplus[i] > 0 {
			phase[i] = (rank * 2654435769) & 0xffffffff // golden ratio * 2^32
			rank++
		}
	}
	seen := make([]int, len(have))
	released := make([]int, len(have))
	freed := make([]int, 0, minimum)
	for idx, tm := range old {
		j := seen[tm]
		seen[tm]++
		s, o := surplus[tm], have[tm]
		if released[tm] < s {
			// < 2^12 * 2^32 * 2^12: fits in uint64
			at := ((uint64(released[tm])<<32 + phase[tm]) * uint64(o)) / (uint64(s) << 32)
			if uint64(j) == at {
				released[tm]++
				freed = append(freed, idx)
			}
		}
	}
	if len(freed) != minimum {
		// cannot happen: the spacing rule releases exactly s of o entries
		return Table{}, 0, 0, fmt.Errorf("internal: released %d entries, want %d", len(freed), minimum)
	}
	dealFreed(&next, freed, deficit, want)
	moved = Diff(old, next).Moved
	return next, moved, minimum, nil
}

// DiffResult says how two tables differ.
type DiffResult struct {
	Moved   int   // entries whose TM differs
	Indices []int // those entries' indices, ascending
	In      []int // In[tm]: entries that became tm
	Out     []int // Out[tm]: entries that were tm and now are another TM
}

// Diff compares table a (before) with table b (after).
func Diff(a, b Table) DiffResult {
	n := max(a.MaxTM(), b.MaxTM()) + 1
	r := DiffResult{In: make([]int, n), Out: make([]int, n)}
	for i := range a {
		if a[i] != b[i] {
			r.Moved++
			r.Indices = append(r.Indices, i)
			r.Out[a[i]]++
			r.In[b[i]]++
		}
	}
	return r
}

// dealFreed assigns the freed slots (ascending indices) of t to the TMs with
// a deficit. Walking the table in index order, a freed slot at index idx goes
// to the owed TM j with the largest lag want[j]*(idx+1)/Size - seen[j],
// where seen[j] counts j's entries at indices <= idx in the new table.
func dealFreed(t *Table, freed []int, deficit, want []int) {
	owed := append([]int(nil), deficit...)
	seen := make([]int, len(want))
	f := 0
	for idx := range t {
		if f < len(freed) && freed[f] == idx {
			f++
			best := -1
			var bestLag int64
			for j, o := range owed {
				if o == 0 {
					continue
				}
				lag := int64(want[j])*int64(idx+1) - int64(seen[j])*Size // scaled by Size
				if best < 0 || lag > bestLag {
					best, bestLag = j, lag
				}
			}
			owed[best]--
			t[idx] = uint8(best)
		}
		seen[t[idx]]++
	}
}
