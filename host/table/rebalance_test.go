package table

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// countsOf counts entries by TM id directly, independent of Table.Counts.
func countsOf(t Table) map[int]int {
	m := map[int]int{}
	for _, tm := range t {
		m[int(tm)]++
	}
	return m
}

func TestRebalanceMovesExactlyTheMinimum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := weightsGen().Draw(t, "initial")
		cur, err := Weighted(w)
		require.NoError(t, err)
		steps := rapid.IntRange(1, 8).Draw(t, "steps")
		for s := 0; s < steps; s++ {
			w = append([]float64(nil), w...)
			switch rapid.IntRange(0, 3).Draw(t, "op") {
			case 0: // add a TM
				if len(w) < MaxTMs {
					w = append(w, rapid.Float64Range(0.01, 10).Draw(t, "addw"))
				}
			case 1: // remove a TM (weight 0), keeping one alive
				i := rapid.IntRange(0, len(w)-1).Draw(t, "rm")
				old := w[i]
				w[i] = 0
				if !anyPositive(w) {
					w[i] = old
				}
			case 2: // reweight
				w[rapid.IntRange(0, len(w)-1).Draw(t, "rw")] = rapid.Float64Range(0.01, 10).Draw(t, "neww")
			case 3: // drop trailing TMs from the list
				if len(w) > 1 {
					cut := rapid.IntRange(1, len(w)-1).Draw(t, "cut")
					if anyPositive(w[:cut]) {
						w = w[:cut]
					}
				}
			}
			next, moved, minimum, err := Rebalance(cur, w)
			require.NoError(t, err)

			want := refLargestRemainder(w)
			oldC, newC := countsOf(cur), countsOf(next)
			expMin := 0
			for tm, c := range oldC {
				target := 0
				if tm < len(want) {
					target = want[tm]
				}
				expMin += max(0, c-target)
			}
			for tm := range want {
				require.Equal(t, want[tm], newC[tm], "TM %d count after step %d", tm, s)
			}
			for tm, c := range newC {
				if tm >= len(want) {
					require.Zero(t, c, "removed TM %d still has entries", tm)
				}
			}
			require.Equal(t, expMin, minimum)
			changed := 0
			for i := range cur {
				if cur[i] != next[i] {
					changed++
					a, b := int(cur[i]), int(next[i])
					require.Greater(t, oldC[a], newC[a], "entry %d left TM %d, which was not over its count", i, a)
					require.Less(t, oldC[b], newC[b], "entry %d joined TM %d, which was not under its count", i, b)
				}
			}
			require.Equal(t, changed, moved)
			require.Equal(t, minimum, moved, "ratio must be 1.000")
			requireSpread(t, next, 24)
			cur = next
		}
	})
}

func anyPositive(w []float64) bool {
	for _, x := range w {
		if x > 0 {
			return true
		}
	}
	return false
}

func TestRebalanceAddNinthTM(t *testing.T) {
	// 8 -> 9 equal TMs: 4096/9 = 455.1, so TM 0 gets 456 and the rest 455;
	// the new TM takes 455 entries from the 8 old ones.
	next, moved, minimum, err := Rebalance(Default(), []float64{1, 1, 1, 1, 1, 1, 1, 1, 1})
	require.NoError(t, err)
	assert.Equal(t, 455, minimum)
	assert.Equal(t, 455, moved)
	c := countsOf(next)
	assert.Equal(t, 456, c[0])
	assert.Equal(t, 455, c[8])
	d := Diff(Default(), next)
	assert.Equal(t, 455, d.In[8])
	assert.Equal(t, 0, d.Out[8])
}

func TestRebalanceIdentityMovesNothing(t *testing.T) {
	_, moved, minimum, err := Rebalance(Default(), []float64{3, 3, 3, 3, 3, 3, 3, 3})
	require.NoError(t, err)
	assert.Zero(t, moved)
	assert.Zero(t, minimum)
}

func TestRebalanceRefusesBadWeights(t *testing.T) {
	_, _, _, err := Rebalance(Default(), []float64{0, 0})
	assert.ErrorContains(t, err, "zero")
}

func TestDiff(t *testing.T) {
	a := Default()
	b := a
	b[0] = 7  // 0 -> 7
	b[9] = 3  // 1 -> 3
	b[17] = 3 // 1 -> 3
	d := Diff(a, b)
	assert.Equal(t, 3, d.Moved)
	assert.Equal(t, []int{0, 9, 17}, d.Indices)
	assert.Equal(t, []int{1, 2, 0, 0, 0, 0, 0, 0}, d.Out)
	assert.Equal(t, []int{0, 0, 0, 2, 0, 0, 0, 1}, d.In)
}

func TestStats(t *testing.T) {
	tab, err := Weighted([]float64{1, 3})
	require.NoError(t, err)
	st, err := Stats(tab, []float64{1, 3})
	require.NoError(t, err)
	require.Len(t, st, 2)
	assert.Equal(t, 1024, st[0].Count)
	assert.InDelta(t, 0.25, st[0].Share, 1e-12)
	assert.InDelta(t, 0, st[1].Deviation, 1e-12)
	// against a uniform ideal the 1:3 table is 50% off
	st, err = Stats(tab, nil)
	require.NoError(t, err)
	assert.InDelta(t, -50, st[0].DeviationPct, 1e-9)
	assert.InDelta(t, 50, st[1].DeviationPct, 1e-9)
}

func BenchmarkRebalance(b *testing.B) {
	w := make([]float64, 200)
	for i := range w {
		w[i] = float64(i%5 + 1)
	}
	old, _ := Weighted(w[:100])
	for b.Loop() {
		if _, _, _, err := Rebalance(old, w); err != nil {
			b.Fatal(err)
		}
	}
}

// requireSpread checks that every TM's count over each prefix of the table
// stays within bound entries of its share: moved entries must not bunch in
// one part of the index space (releasing in phase bunched them by ~70).
func requireSpread(t require.TestingT, tab Table, bound float64) {
	counts := countsOf(tab)
	seen := map[int]int{}
	for k, tm := range tab {
		seen[int(tm)]++
		for i, c := range counts {
			dev := float64(seen[i]) - float64(c)*float64(k+1)/Size
			if dev > bound || -dev > bound {
				require.FailNow(t, "table bunched", "TM %d: %d entries in the first %d, share %.1f", i, seen[i], k+1, float64(c)*float64(k+1)/Size)
			}
		}
	}
}
