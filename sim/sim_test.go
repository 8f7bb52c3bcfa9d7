package sim

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Register addresses and values from docs/interfaces.md (sim/ does not
// import driver/, so the few it needs are restated here).
const (
	regID      = 0x0000
	regVersion = 0x0004
	regScratch = 0x000C
	regKey0    = 0x0100 // KEY(0, w) = regKey0 + 4w, w < 10, all 32 bits RW
	idValue    = 0x46535452
	// The throwaway stand-in (sim/testdata/standin) reports this VERSION.
	standinVersion = 0xDEAD0000
)

func newSim(t *testing.T, opts Options) *Sim {
	t.Helper()
	s, err := New(opts)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func isStandin(t *testing.T) bool {
	s := newSim(t, Options{})
	v, err := s.Read32(regVersion)
	require.NoError(t, err)
	return v == standinVersion
}

// testFrames makes n frames whose lengths cover the beat boundaries (0, 1,
// 7, 8, 9 ...) and typical Ethernet sizes, filled with seeded random bytes.
func testFrames(n int, seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, 1))
	edge := []int{0, 1, 7, 8, 9, 13, 14, 15, 16, 17, 54, 60, 64, 65, 1514, 1518}
	frames := make([][]byte, n)
	for i := range frames {
		var l int
		switch {
		case i < len(edge):
			l = edge[i]
		case r.IntN(4) == 0:
			l = 40 + r.IntN(1500)
		default:
			l = r.IntN(200)
		}
		f := make([]byte, l)
		for j := range f {
			f[j] = byte(r.Uint32())
		}
		frames[i] = f
	}
	return frames
}

func TestBuildInfoNamesTheRTL(t *testing.T) {
	info := BuildInfo()
	t.Log(info)
	assert.Contains(t, info, "hdl=")
	assert.Contains(t, info, "PARTITIONS=4")
}

func TestIDAndScratch(t *testing.T) {
	s := newSim(t, Options{})
	id, err := s.Read32(regID)
	require.NoError(t, err)
	assert.Equal(t, uint32(idValue), id, "ID register")

	for _, v := range []uint32{0xA5A5_5A5A, 0, 0xFFFF_FFFF, 0x1234_5678, 0x8000_0001} {
		require.NoError(t, s.Write32(regScratch, v))
		got, err := s.Read32(regScratch)
		require.NoError(t, err)
		assert.Equalf(t, v, got, "SCRATCH after writing %#x", v)
	}
	// reads do not disturb it
	again, err := s.Read32(regScratch)
	require.NoError(t, err)
	assert.Equal(t, uint32(0x8000_0001), again)
	// reset clears it (reset value 0 in the stand-in and, by convention, RTL)
	require.NoError(t, s.Reset())
	id, err = s.Read32(regID)
	require.NoError(t, err)
	assert.Equal(t, uint32(idValue), id, "ID after Reset")
}

func TestWriteBurstReachesConsecutiveRegisters(t *testing.T) {
	if isStandin(t) {
		t.Skip("stand-in RTL has no KEY registers")
	}
	s := newSim(t, Options{})
	vals := make([]uint32, 10)
	for i := range vals {
		vals[i] = 0x0101_0101*uint32(i+1) ^ 0xC3A5_0F00
	}
	require.NoError(t, s.WriteBurst(regKey0, vals))
	for i, want := range vals {
		got, err := s.Read32(regKey0 + 4*uint32(i))
		require.NoError(t, err)
		assert.Equalf(t, want, got, "KEY(0,%d)", i)
	}
}

func TestCSRArgumentErrors(t *testing.T) {
	s := newSim(t, Options{})
	_, err := s.Read32(0x1_0000)
	require.Error(t, err)
	require.Error(t, s.Write32(0x1_0000, 1))
	require.Error(t, s.WriteBurst(0xFFFC, []uint32{1, 2}), "burst past the CSR space")
	// errors are clean: the model still works
	id, err := s.Read32(regID)
	require.NoError(t, err)
	assert.Equal(t, uint32(idValue), id)

	l := newSim(t, Options{ViaLink: true})
	_, err = l.Read32(regID)
	assert.ErrorIs(t, err, ErrMode)

	require.NoError(t, s.Close())
	_, err = s.Read32(regID)
	assert.ErrorIs(t, err, ErrClosed)
}

func TestFramesPassThroughInOrder(t *testing.T) {
	s := newSim(t, Options{})
	frames := testFrames(600, 1)
	res, err := s.Run(frames, Backpressure{})
	require.NoError(t, err)
	require.Len(t, res.Decisions, len(frames), "one decision per frame")
	require.Len(t, res.Egress, len(frames), "one egress frame per frame")
	require.Len(t, res.TDest, len(frames))
	for i := range frames {
		if !bytes.Equal(frames[i], res.Egress[i]) {
			t.Fatalf("egress frame %d differs: sent %d bytes, got %d", i, len(frames[i]), len(res.Egress[i]))
		}
		// docs/interfaces.md: decision bits [63:60] are zero
		assert.Zerof(t, res.Decisions[i]>>60, "decision %d top nibble", i)
	}
	assert.Greater(t, res.Cycles, uint64(0))
	assert.GreaterOrEqual(t, s.Cycles(), res.Cycles)

	// a second batch on the same model works and counts its own cycles
	before := s.Cycles()
	res2, err := s.Run(frames[:50], Backpressure{})
	require.NoError(t, err)
	assert.Len(t, res2.Decisions, 50)
	assert.Equal(t, before+res2.Cycles, s.Cycles())

	empty, err := s.Run(nil, Backpressure{})
	require.NoError(t, err)
	assert.Empty(t, empty.Decisions)
	assert.Empty(t, empty.Egress)
}

func TestZeroLengthFramesOnly(t *testing.T) {
	s := newSim(t, Options{})
	frames := [][]byte{{}, {}, {}}
	res, err := s.Run(frames, Backpressure{})
	require.NoError(t, err)
	require.Len(t, res.Decisions, 3)
	require.Len(t, res.Egress, 3)
	for _, e := range res.Egress {
		assert.Empty(t, e)
	}
}

func TestStandinDecisionsFollowFrames(t *testing.T) {
	if !isStandin(t) {
		t.Skip("stand-in specific: its decision carries the frame length")
	}
	s := newSim(t, Options{})
	frames := testFrames(200, 2)
	res, err := s.Run(frames, Backpressure{})
	require.NoError(t, err)
	for i, d := range res.Decisions {
		assert.Equalf(t, uint64(len(frames[i])), (d>>32)&0xFFFF, "decision %d length field", i)
		assert.Equalf(t, uint16(i%1024), res.TDest[i], "tdest %d", i)
	}
}

// Backpressure must change timing only: same decisions, same egress, same
// order as a run without it (and egress equal to what was sent).
func TestBackpressureKeepsEverythingInOrder(t *testing.T) {
	frames := testFrames(400, 3)
	ref, err := newSim(t, Options{}).Run(frames, Backpressure{})
	require.NoError(t, err)

	cases := []struct {
		name string
		bp   Backpressure
	}{
		{"ingress gaps", Backpressure{Seed: 1, InGapPermille: 300}},
		{"egress stalls", Backpressure{Seed: 2, OutStallPermille: 500}},
		{"decision stalls (queue fills)", Backpressure{Seed: 3, DecStallPermille: 990}},
		{"all, independent", Backpressure{Seed: 4, InGapPermille: 200, OutStallPermille: 400, DecStallPermille: 400}},
		{"all, bursty", Backpressure{Seed: 5, InGapPermille: 200, OutStallPermille: 400, DecStallPermille: 400, Bursty: true}},
		{"heavy bursty egress", Backpressure{Seed: 6, OutStallPermille: 900, Bursty: true}},
	}
	var wg sync.WaitGroup
	results := make([]Result, len(cases))
	errs := make([]error, len(cases))
	// separate models in parallel also shows instances are independent
	for i, c := range cases {
		s := newSim(t, Options{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = s.Run(frames, c.bp)
		}()
	}
	wg.Wait()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, errs[i])
			res := results[i]
			require.Len(t, res.Egress, len(frames))
			for j := range frames {
				if !bytes.Equal(frames[j], res.Egress[j]) {
					t.Fatalf("egress frame %d differs from the frame sent", j)
				}
			}
			assert.Equal(t, ref.Decisions, res.Decisions)
			assert.Equal(t, ref.TDest, res.TDest)
			assert.Greater(t, res.Cycles, ref.Cycles, "backpressure should cost cycles")
		})
	}

	// same seed, same timing
	a, err := newSim(t, Options{}).Run(frames, cases[4].bp)
	require.NoError(t, err)
	assert.Equal(t, results[4].Cycles, a.Cycles, "a seed repeats its run")
}

func TestTimeoutThenReset(t *testing.T) {
	s := newSim(t, Options{})
	frames := testFrames(50, 4)
	start := time.Now()
	res, err := s.Run(frames, Backpressure{OutStallPermille: 1000, DecStallPermille: 1000, IdleTimeout: 5000})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrTimeout)
	assert.Contains(t, err.Error(), "no handshake")
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Less(t, len(res.Decisions), len(frames))
	assert.Less(t, res.Cycles, uint64(5000+100000), "stopped near the idle limit")

	_, err = s.Run(frames, Backpressure{})
	assert.ErrorIs(t, err, ErrNeedReset)

	require.NoError(t, s.Reset())
	res, err = s.Run(frames, Backpressure{})
	require.NoError(t, err)
	assert.Len(t, res.Egress, len(frames))
}

func TestBackpressureArgumentsChecked(t *testing.T) {
	s := newSim(t, Options{})
	_, err := s.Run([][]byte{{1}}, Backpressure{InGapPermille: 1001})
	require.Error(t, err)
	_, err = New(Options{FST: filepath.Join(t.TempDir(), "w.fst"), FSTStart: 10, FSTStop: 10})
	require.Error(t, err, "empty FST window")
	_, err = New(Options{FST: filepath.Join(t.TempDir(), "no", "such", "dir", "w.fst")})
	require.Error(t, err, "unwritable FST path")
}

func TestFSTWrittenWhenAsked(t *testing.T) {
	if !bytes.Contains([]byte(BuildInfo()), []byte("trace=fst")) {
		t.Skip("library built with SIM_TRACE=0")
	}
	dir := t.TempDir()
	full := filepath.Join(dir, "full.fst")
	window := filepath.Join(dir, "window.fst")
	frames := testFrames(100, 5)
	for _, o := range []Options{{FST: full}, {FST: window, FSTStart: 50, FSTStop: 80}} {
		s, err := New(o)
		require.NoError(t, err)
		_, err = s.Run(frames, Backpressure{})
		require.NoError(t, err)
		require.NoError(t, s.Close())
	}
	fi, err := os.Stat(full)
	require.NoError(t, err)
	wi, err := os.Stat(window)
	require.NoError(t, err)
	assert.Greater(t, fi.Size(), int64(100))
	assert.Less(t, wi.Size(), fi.Size(), "a 30-cycle window is smaller than the whole run")
	head, err := os.ReadFile(full)
	require.NoError(t, err)
	assert.Equal(t, byte(0), head[0], "FST files start with a header block (type 0)")
}

func TestStandinLinkPipe(t *testing.T) {
	if !isStandin(t) {
		t.Skip("uses the stand-in's toy link protocol; the real one is tested by driver/link and sim/simdev")
	}
	s := newSim(t, Options{ViaLink: true})
	p := s.LinkPipe()
	_, err := p.Write([]byte{'W', 0x00, 0x0C, 0xDE, 0xAD, 0xBE, 0xEF})
	require.NoError(t, err)
	ack := make([]byte, 1)
	_, err = p.Read(ack)
	require.NoError(t, err)
	assert.Equal(t, byte('K'), ack[0])
	_, err = p.Write([]byte{'R', 0x00, 0x0C})
	require.NoError(t, err)
	var got []byte
	buf := make([]byte, 8)
	for len(got) < 5 {
		n, err := p.Read(buf)
		require.NoError(t, err)
		got = append(got, buf[:n]...)
	}
	assert.Equal(t, []byte{'D', 0xDE, 0xAD, 0xBE, 0xEF}, got)

	// nothing more to say: Read times out instead of hanging
	_, err = p.Read(buf)
	assert.True(t, errors.Is(err, ErrTimeout), "got %v", err)
}

func TestLinkReadStopsAtDeadline(t *testing.T) {
	s := newSim(t, Options{ViaLink: true})
	p := s.LinkPipe()
	require.NoError(t, p.SetReadDeadline(time.Now().Add(50*time.Millisecond)))
	start := time.Now()
	_, err := p.Read(make([]byte, 4))
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "nothing was asked, so nothing comes")
	assert.Less(t, time.Since(start), 5*time.Second)

	direct := newSim(t, Options{})
	_, err = direct.LinkPipe().Write([]byte{0})
	assert.ErrorIs(t, err, ErrMode, "no bridge path without ViaLink")
}

// Verilator tears scopes down through a thread-local context; with one
// context per Sim, closing models in any order must not touch a dead one.
func TestModelsCloseInAnyOrder(t *testing.T) {
	var sims []*Sim
	for range 3 {
		s, err := New(Options{})
		require.NoError(t, err)
		sims = append(sims, s)
	}
	_, err := sims[0].Read32(regID)
	require.NoError(t, err)
	for _, i := range []int{1, 0, 2} {
		require.NoError(t, sims[i].Close())
	}
}
