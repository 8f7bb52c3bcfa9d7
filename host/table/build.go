package table

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// LargestRemainder apportions Size entries over the weights by the
// largest-remainder (Hamilton) method: every TM first gets the floor of its
// ideal quota Size*w/sum(w), then the entries left over go one each to the
// TMs with the largest fractional remainders. Equal remainders are broken by
// the lower TM id, so the result is deterministic. The arithmetic is exact
// (weights are converted to integers on a common binary exponent), so two
// remainders compare equal only when they are equal as rationals.
//
// Weights must be finite and >= 0, at least one > 0, and at most 256 of them.
func LargestRemainder(weights []float64) ([]int, error) {
	if err := validateWeights(weights); err != nil {
		return nil, err
	}
	ints := exactIntegers(weights)
	sum := new(big.Int)
	for _, w := range ints {
		sum.Add(sum, w)
	}
	counts := make([]int, len(weights))
	rems := make([]*big.Int, len(weights))
	given := 0
	for i, w := range ints {
		q, r := new(big.Int), new(big.Int)
		q.QuoRem(new(big.Int).Mul(w, big.NewInt(Size)), sum, r)
		counts[i] = int(q.Int64())
		rems[i] = r
		given += counts[i]
	}
	// Hand out the leftover entries: each round picks the largest remainder
	// not yet served, lowest id first on ties. At most len(weights)-1 rounds.
	served := make([]bool, len(weights))
	for left := Size - given; left > 0; left-- {
		best := -1
		for i, r := range rems {
			if served[i] {
				continue
			}
			if best < 0 || r.Cmp(rems[best]) > 0 {
				best = i
			}
		}
		served[best] = true
		counts[best]++
	}
	return counts, nil
}

// exactIntegers scales float64 weights to big integers with the same ratios:
// w = mant * 2^exp exactly, and every weight is shifted to the smallest
// exponent present.
func exactIntegers(weights []float64) []*big.Int {
	mants := make([]int64, len(weights))
	exps := make([]int, len(weights))
	minExp := math.MaxInt
	for i, w := range weights {
		if w == 0 {
			continue
		}
		frac, exp := math.Frexp(w) // w = frac * 2^exp, frac in [0.5, 1)
		mants[i] = int64(frac * (1 << 53))
		exps[i] = exp - 53
		minExp = min(minExp, exps[i])
	}
	out := make([]*big.Int, len(weights))
	for i := range weights {
		v := big.NewInt(mants[i])
		if mants[i] != 0 {
			v.Lsh(v, uint(exps[i]-minExp))
		}
		out[i] = v
	}
	return out
}

func validateWeights(weights []float64) error {
	if len(weights) == 0 {
		return fmt.Errorf("no weights given")
	}
	if len(weights) > MaxTMs {
		return fmt.Errorf("%d weights given, at most %d TMs", len(weights), MaxTMs)
	}
	positive := false
	for i, w := range weights {
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			return fmt.Errorf("weight of TM %d is %v: weights must be finite and >= 0", i, w)
		}
		if w > 0 {
			positive = true
		}
	}
	if !positive {
		return fmt.Errorf("all %d weights are zero: at least one TM must take traffic", len(weights))
	}
	return nil
}

// Uniform shares the table equally among TMs 0..n-1 (n in 1..256).
// Uniform(8) is Default().
func Uniform(n int) (Table, error) {
	if err := validTMCount(n); err != nil {
		return Table{}, err
	}
	w := make([]float64, n)
	for i := range w {
		w[i] = 1
	}
	return Weighted(w)
}

// Weighted gives TM i the largest-remainder share of weights[i], interleaved.
func Weighted(weights []float64) (Table, error) {
	counts, err := LargestRemainder(weights)
	if err != nil {
		return Table{}, err
	}
	return FromCounts(counts)
}

// FromCounts lays out a table with exactly counts[i] entries of TM i. The
// counts must add up to Size.
func FromCounts(counts []int) (Table, error) {
	if len(counts) > MaxTMs {
		return Table{}, fmt.Errorf("%d TMs, at most %d", len(counts), MaxTMs)
	}
	total := 0
	for i, c := range counts {
		if c < 0 {
			return Table{}, fmt.Errorf("count of TM %d is negative (%d)", i, c)
		}
		total += c
	}
	if total != Size {
		return Table{}, fmt.Errorf("counts add up to %d, want %d", total, Size)
	}
	var t Table
	seq := interleave(counts, Size)
	copy(t[:], seq)
	return t, nil
}

// Profile kinds accepted by Profile.
const (
	ProfileGaussian = "gaussian"
	ProfileRayleigh = "rayleigh"
)

// ProfileWeights returns the weights of the patent's reshaped distributions
// (US 7,395,349: the table reshapes the uniform hash into another density).
// TM i sits at position x = i + 0.5 (the centre of its unit cell on [0, n]);
// its weight is the density at x:
//
//	gaussian: exp(-(x - n/2)^2 / (2 param^2)), mean at the centre TM
//	rayleigh: (x / param^2) exp(-x^2 / (2 param^2)), mode at x = param
//
// param is sigma in TM units; param <= 0 selects the default n/4.
// Sampling at cell centres keeps TM 0 from getting a zero Rayleigh weight.
func ProfileWeights(kind string, n int, param float64) ([]float64, error) {
	if err := validTMCount(n); err != nil {
		return nil, err
	}
	if math.IsNaN(param) || math.IsInf(param, 0) {
		return nil, fmt.Errorf("profile parameter %v is not a finite number", param)
	}
	if param <= 0 {
		param = float64(n) / 4
	}
	w := make([]float64, n)
	for i := range w {
		x := float64(i) + 0.5
		switch strings.ToLower(kind) {
		case ProfileGaussian:
			d := x - float64(n)/2
			w[i] = math.Exp(-d * d / (2 * param * param))
		case ProfileRayleigh:
			w[i] = x / (param * param) * math.Exp(-x*x/(2*param*param))
		default:
			return nil, fmt.Errorf("unknown profile %q (want %s or %s)", kind, ProfileGaussian, ProfileRayleigh)
		}
	}
	return w, nil
}

// Profile builds the table whose TM shares follow ProfileWeights.
func Profile(kind string, n int, param float64) (Table, error) {
	w, err := ProfileWeights(kind, n, param)
	if err != nil {
		return Table{}, err
	}
	t, err := Weighted(w)
	if err != nil {
		return Table{}, fmt.Errorf("%s profile with sigma %v over %d TMs: %w", kind, param, n, err)
	}
	return t, nil
}
