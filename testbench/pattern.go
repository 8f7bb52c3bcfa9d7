package testbench

import (
	"fmt"
	"strings"

	"github.com/flowsteer/flowsteer/sim"
)

// Pattern is a backpressure shape on the pipeline's three streams.
type Pattern int

const (
	PatternNone     Pattern = iota // every tvalid/tready high: line rate
	PatternRandom                  // independent random gaps and stalls on all streams
	PatternBursty                  // the same rates grouped into runs of stalls
	PatternDecStall                // the decision stream alone stalls heavily
	numPatterns
	// PatternMixed cycles through the others, one per batch.
	PatternMixed Pattern = 100
)

var patternNames = map[Pattern]string{
	PatternNone: "none", PatternRandom: "random", PatternBursty: "bursty",
	PatternDecStall: "decstall", PatternMixed: "mixed",
}

func (p Pattern) String() string {
	if n, ok := patternNames[p]; ok {
		return n
	}
	return fmt.Sprintf("pattern(%d)", int(p))
}

// ParsePattern reads none, random, bursty, decstall or mixed.
func ParsePattern(s string) (Pattern, error) {
	for p, n := range patternNames {
		if strings.EqualFold(s, n) {
			return p, nil
		}
	}
	return 0, fmt.Errorf("backpressure %q: want none, random, bursty, decstall or mixed", s)
}

// forBatch is the concrete pattern of batch i (mixed rotates).
func (p Pattern) forBatch(i int) Pattern {
	if p == PatternMixed {
		return Pattern(i % int(numPatterns))
	}
	return p
}

// Backpressure turns the pattern into sim's knobs.
func (p Pattern) Backpressure(seed uint64) sim.Backpressure {
	bp := sim.Backpressure{Seed: seed}
	switch p {
	case PatternRandom:
		bp.InGapPermille, bp.OutStallPermille, bp.DecStallPermille = 250, 250, 250
	case PatternBursty:
		bp.InGapPermille, bp.OutStallPermille, bp.DecStallPermille = 300, 300, 300
		bp.Bursty = true
	case PatternDecStall:
		// Decisions back up while egress flows: the decision FIFO fills and
		// must throttle ingress without losing or reordering anything.
		bp.DecStallPermille = 900
		bp.Bursty = true
	}
	return bp
}
