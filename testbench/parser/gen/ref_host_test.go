package main

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/host"
)

// Three statements of SPEC 2 must agree: the RTL (checked against ref.go by
// the Icarus/Verilator bench), this package's byte-offset reference ref.go,
// and the project's model host.Parse. This test closes the triangle: ref.go
// against host.Parse on random, mutated, truncated and captured frames.
// The two were written separately (ref.go shares no code with host/), so a
// misreading of the SPEC in either shows up as a disagreement here.

// reasonOf maps the model's outcome to the parser's reason codes
// (docs/interfaces.md); an outcome the parser never produces has no entry.
var reasonOf = map[host.Reason]int{
	host.ReasonMACMiss:   rsnMACMiss,
	host.ReasonNotIP:     rsnNotIP,
	host.ReasonMalformed: rsnMalformed,
	host.ReasonTooDeep:   rsnTooDeep,
	host.ReasonFragment:  rsnFragment,
	host.ReasonNonL4:     rsnNonL4,
	host.ReasonSrcHash:   rsnL4, // host.Parsed's "ports read" marker
}

// actionOf is the action of each parser reason (SPEC 4 / docs/interfaces.md),
// written out here rather than taken from either side.
var actionOf = map[int]int{
	rsnMACMiss:   actBridge,
	rsnNotIP:     actControl,
	rsnMalformed: actControl,
	rsnTooDeep:   actControl,
	rsnFragment:  actFragment,
	rsnNonL4:     actForward,
	rsnL4:        actForward,
}

// hostResult is what the parser must output for f according to host.Parse:
// the same reason, and the fields SPEC says apply (addresses and protocol
// for FORWARD, ports for TCP/UDP), zero otherwise.
func hostResult(f []byte, cfg config) (parseResult, error) {
	filter := &host.MACFilter{Promiscuous: cfg.Promisc}
	for i := range cfg.MACs {
		if cfg.MACValid[i] {
			filter.Groups = append(filter.Groups, cfg.MACs[i])
		}
	}
	var p host.Parsed
	host.Parse(f, filter, &p)
	rsn, ok := reasonOf[p.Outcome]
	if !ok {
		return parseResult{}, fmt.Errorf("host.Parse outcome %v is not a parser outcome", p.Outcome)
	}
	res := parseResult{Action: actionOf[rsn], Reason: rsn}
	if res.Action == actForward {
		res.Src, res.Dst, res.Proto = p.Src, p.Dst, p.Proto
	}
	if rsn == rsnL4 {
		res.SrcPort, res.DstPort = p.SrcPort, p.DstPort
	}
	return res, nil
}

// crossCheck compares ref.go and host.Parse on every frame and reports the
// first few disagreements with the frame in hex.
func crossCheck(t *testing.T, name string, cfg config, frames [][]byte) map[int]int {
	t.Helper()
	seen := map[int]int{}
	bad := 0
	for i, f := range frames {
		want, err := hostResult(f, cfg)
		require.NoError(t, err, "%s frame %d", name, i)
		got := classify(f, cfg)
		seen[got.Reason]++
		if got != want {
			bad++
			if bad <= 5 {
				t.Errorf("%s frame %d (%d bytes %x):\n ref.go     %+v\n host.Parse %+v", name, i, len(f), f, got, want)
			}
		}
	}
	require.Zero(t, bad, "%s: %d of %d frames disagree", name, bad, len(frames))
	return seen
}

func TestRefAgreesWithHostParse(t *testing.T) {
	n := 150000
	if testing.Short() {
		n = 20000
	}
	r := rand.New(rand.NewSource(20240601))
	promisc := config{Promisc: true}
	filtered := config{}
	for i := range filtered.MACs {
		r.Read(filtered.MACs[i][:])
	}
	filtered.MACs[0] = [6]byte{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}
	filtered.MACValid = [4]bool{true, false, true, false}

	total := map[int]int{}
	add := func(m map[int]int) {
		for k, v := range m {
			total[k] += v
		}
	}
	add(crossCheck(t, "random promiscuous", promisc, randomFrames(r, n, filtered)))
	add(crossCheck(t, "random filtered", filtered, randomFrames(r, n/4, filtered)))
	add(crossCheck(t, "mutated", promisc, mutatedFrames(r, n, filtered)))
	add(crossCheck(t, "mutated filtered", filtered, mutatedFrames(r, n/4, filtered)))
	add(crossCheck(t, "truncations", promisc, truncations(r)))

	// Every outcome must have been exercised many times, or agreement
	// would say little.
	for _, rsn := range []int{rsnMACMiss, rsnNotIP, rsnMalformed, rsnTooDeep, rsnFragment, rsnNonL4, rsnL4} {
		require.Greater(t, total[rsn], 500, "reason %d exercised only %d times", rsn, total[rsn])
	}
}

func TestRefAgreesWithHostParseOnTraces(t *testing.T) {
	dir := os.Getenv("FLOWSTEER_SHARED")
	if dir == "" {
		dir = defaultShared()
	}
	frames, macs, err := traceFrames(filepath.Join(dir, "traces"), 3000, 1<<16)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("no captures under %s/traces (set FLOWSTEER_SHARED)", dir)
	}
	require.NoError(t, err)
	require.NotEmpty(t, frames)
	crossCheck(t, "traces promiscuous", config{Promisc: true}, frames)
	cfg := config{}
	for i := 0; i < 4 && i < len(macs); i++ {
		cfg.MACs[i] = macs[i]
		cfg.MACValid[i] = i != 2
	}
	crossCheck(t, "traces filtered", cfg, frames)
}

// The comparison itself must be able to fail: a reference that misreads
// one SPEC detail (here: the IPv4 fragment test ignoring MF) is caught.
func TestCrossCheckCatchesADisagreement(t *testing.T) {
	f := cat(eth(0x0800), v4hdr(6), ports)
	f[20] = 0x20 // MF
	want, err := hostResult(f, config{Promisc: true})
	require.NoError(t, err)
	require.Equal(t, rsnFragment, want.Reason)
	wrong := classify(cat(eth(0x0800), v4hdr(6), ports), config{Promisc: true}) // as if MF were ignored
	require.NotEqual(t, want, wrong)
}
