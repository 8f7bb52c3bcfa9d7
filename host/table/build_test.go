package table

import (
	"math"
	"math/big"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// refLargestRemainder is the independent side: exact rationals, quotas
// floored, then the leftover entries given to the remainders sorted
// descending (stable sort keeps lower ids first on ties).
func refLargestRemainder(weights []float64) []int {
	sum := new(big.Rat)
	for _, w := range weights {
		sum.Add(sum, new(big.Rat).SetFloat64(w))
	}
	counts := make([]int, len(weights))
	rems := make([]*big.Rat, len(weights))
	total := 0
	for i, w := range weights {
		quota := new(big.Rat).Mul(new(big.Rat).SetFloat64(w), big.NewRat(Size, 1))
		quota.Quo(quota, sum)
		fl := new(big.Int).Quo(quota.Num(), quota.Denom())
		counts[i] = int(fl.Int64())
		rems[i] = new(big.Rat).Sub(quota, new(big.Rat).SetInt(fl))
		total += counts[i]
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rems[order[a]].Cmp(rems[order[b]]) > 0 })
	for k := 0; k < Size-total; k++ {
		counts[order[k]]++
	}
	return counts
}

// weightsGen draws weight vectors that include zeros, equal values (ties)
// and wildly different magnitudes.
func weightsGen() *rapid.Generator[[]float64] {
	return rapid.Custom(func(t *rapid.T) []float64 {
		n := rapid.IntRange(1, MaxTMs).Draw(t, "n")
		kind := rapid.IntRange(0, 3).Draw(t, "kind")
		w := make([]float64, n)
		for i := range w {
			switch kind {
			case 0:
				w[i] = float64(rapid.IntRange(0, 5).Draw(t, "small"))
			case 1:
				w[i] = rapid.Float64Range(0, 1).Draw(t, "unit")
			case 2:
				w[i] = math.Ldexp(rapid.Float64Range(0.5, 1).Draw(t, "m"), rapid.IntRange(-60, 60).Draw(t, "e"))
			default:
				w[i] = 1
			}
		}
		w[rapid.IntRange(0, n-1).Draw(t, "pos")] = rapid.Float64Range(0.001, 100).Draw(t, "nonzero")
		return w
	})
}

func idealRat(weights []float64, i int) *big.Rat {
	sum := new(big.Rat)
	for _, w := range weights {
		sum.Add(sum, new(big.Rat).SetFloat64(w))
	}
	q := new(big.Rat).Mul(new(big.Rat).SetFloat64(weights[i]), big.NewRat(Size, 1))
	return q.Quo(q, sum)
}

func TestLargestRemainderMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := weightsGen().Draw(t, "weights")
		got, err := LargestRemainder(w)
		require.NoError(t, err)
		require.Equal(t, refLargestRemainder(w), got)
		for i, c := range got {
			diff := new(big.Rat).Sub(new(big.Rat).SetInt64(int64(c)), idealRat(w, i))
			require.True(t, diff.Abs(diff).Cmp(big.NewRat(1, 1)) < 0, "TM %d: count %d, ideal %s", i, c, idealRat(w, i).FloatString(4))
		}
	})
}

func TestLargestRemainderTiesGoToLowerID(t *testing.T) {
	// 3 equal weights: 4096 = 3*1365 + 1, the one extra entry goes to TM 0.
	got, err := LargestRemainder([]float64{1, 1, 1})
	require.NoError(t, err)
	assert.Equal(t, []int{1366, 1365, 1365}, got)
	// 5 equal: 4096 = 5*819 + 1.
	got, err = LargestRemainder([]float64{2, 2, 2, 2, 2})
	require.NoError(t, err)
	assert.Equal(t, []int{820, 819, 819, 819, 819}, got)
}

func TestBadWeightsRefused(t *testing.T) {
	for name, w := range map[string][]float64{
		"empty":    {},
		"allzero":  {0, 0},
		"negative": {1, -1},
		"nan":      {math.NaN()},
		"inf":      {math.Inf(1), 1},
		"toomany":  make([]float64, 257),
	} {
		_, err := Weighted(w)
		assert.Error(t, err, name)
	}
	_, err := Uniform(0)
	assert.ErrorContains(t, err, "out of range")
	_, err = Uniform(257)
	assert.ErrorContains(t, err, "out of range")
}

func TestDefaultIsIModEightAndUniform8(t *testing.T) {
	d := Default()
	for i := range d {
		require.Equal(t, uint8(i&7), d[i])
	}
	u, err := Uniform(8)
	require.NoError(t, err)
	assert.Equal(t, d, u)
}

func TestWeightedCountsAndInterleaving(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := weightsGen().Draw(t, "weights")
		tab, err := Weighted(w)
		require.NoError(t, err)
		want := refLargestRemainder(w)
		require.Equal(t, want, tab.Counts(len(w)))
		// Interleaving: in every prefix of k entries each TM holds its share
		// of k within two entries, so no window of the index space is starved
		// (contiguous blocks would be off by up to count*(1-share)).
		seen := make([]int, len(w))
		for k, tm := range tab {
			seen[tm]++
			for i, c := range want {
				dev := float64(seen[i]) - float64(c)*float64(k+1)/Size
				if math.Abs(dev) >= 2 {
					t.Fatalf("TM %d after %d entries: %d, ideal %.3f", i, k+1, seen[i], float64(c)*float64(k+1)/Size)
				}
			}
		}
	})
}

func TestUniformSpreadsOverLowBits(t *testing.T) {
	// With 4 TMs, any aligned block of 4 consecutive indices holds all of them.
	tab, err := Uniform(4)
	require.NoError(t, err)
	for b := 0; b < Size; b += 4 {
		seen := map[uint8]bool{}
		for i := b; i < b+4; i++ {
			seen[tab[i]] = true
		}
		require.Len(t, seen, 4, "block at %d", b)
	}
}

func TestCountsCoversIdsBeyondN(t *testing.T) {
	var tab Table
	tab[5] = 9
	c := tab.Counts(2)
	require.Len(t, c, 10)
	assert.Equal(t, Size-1, c[0])
	assert.Equal(t, 1, c[9])
}

func TestProfiles(t *testing.T) {
	for _, n := range []int{1, 2, 7, 16, 64, 256} {
		for _, sigma := range []float64{0, 0.7, 3, 40} {
			g, err := Profile("gaussian", n, sigma)
			require.NoError(t, err)
			s := sigma
			if s <= 0 {
				s = float64(n) / 4
			}
			// independent weights: density at the centre of each TM's cell
			gw := make([]float64, n)
			rw := make([]float64, n)
			for i := 0; i < n; i++ {
				x := float64(2*i+1) / 2
				gw[i] = math.Exp(-math.Pow(x-float64(n)/2, 2) / (2 * s * s))
				rw[i] = x / (s * s) * math.Exp(-x*x/(2*s*s))
			}
			gc := g.Counts(n)
			require.Equal(t, refLargestRemainder(gw), gc)
			// symmetric about the centre within the one-entry tie rule
			for i := 0; i < n/2; i++ {
				require.InDelta(t, gc[i], gc[n-1-i], 1, "n=%d sigma=%v", n, sigma)
			}
			r, err := Profile("rayleigh", n, sigma)
			if err != nil {
				require.ErrorContains(t, err, "zero") // tiny sigma: every density underflows
				continue
			}
			require.Equal(t, refLargestRemainder(rw), r.Counts(n))
		}
	}
	_, err := Profile("poisson", 8, 1)
	assert.ErrorContains(t, err, "unknown profile")
	_, err = Profile("gaussian", 8, math.NaN())
	assert.Error(t, err)
}

func TestFromCountsRefusesBadTotals(t *testing.T) {
	_, err := FromCounts([]int{4095})
	assert.ErrorContains(t, err, "4095")
	_, err = FromCounts([]int{4097, -1})
	assert.ErrorContains(t, err, "negative")
}

func BenchmarkWeighted256(b *testing.B) {
	w := make([]float64, 256)
	for i := range w {
		w[i] = float64(i%7 + 1)
	}
	for b.Loop() {
		if _, err := Weighted(w); err != nil {
			b.Fatal(err)
		}
	}
}
