package testbench

import (
	"fmt"
	"sync"
	"time"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/sim"
)

// Commits with frames in flight.
//
// sim.Run drains the pipeline before it returns and holds the simulator
// while it runs, so a register write between two Runs meets an empty
// pipeline. The link bridge offers a way around that without new sim API:
// sim's clock loop serves the bridge's byte streams during Run too. The
// bench writes the COMMIT request through the link (the driver's link
// protocol, the Conn a board uses) and holds back the read of its response;
// the bridge has all request bytes once the write returns, performs the
// AXI-Lite write a few cycles later, by then inside the next Run, while
// that batch's first frames stream in. The response is read after the Run.
//
// Which frame is the first to see the new table is then up to the RTL
// (docs/interfaces.md: every frame whose first beat is accepted after the
// COMMIT write). The scoreboard infers that frame k from the decisions: the
// frames before k must all match the model with the old table, those from k
// on the model with the new one, and k must come within the first few
// frames (the write lands in the first cycles of the Run). Without flow
// state a frame's decision depends on the table alone, so the model can
// decide the batch both ways. With flow state the bench falls back to
// drained commits.

// maxCommitFrame bounds k: the COMMIT lands within the Run's first cycles,
// a few short frames at most (a commit that takes effect later is late).
const maxCommitFrame = 24

// gatedPipe is the bench's link pipe: a pass-through, except that while an
// in-flight commit is armed it signals when the request has been written
// and holds the response read until the Run is over.
type gatedPipe struct {
	sim.Link
	mu    sync.Mutex
	wrote chan struct{} // closed after the armed request's bytes are in
	gate  chan struct{} // Read waits for it while armed
}

func (g *gatedPipe) arm() (wrote, gate chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.wrote, g.gate = make(chan struct{}), make(chan struct{})
	return g.wrote, g.gate
}

func (g *gatedPipe) Write(p []byte) (int, error) {
	n, err := g.Link.Write(p)
	g.mu.Lock()
	if g.wrote != nil {
		close(g.wrote)
		g.wrote = nil
	}
	g.mu.Unlock()
	return n, err
}

func (g *gatedPipe) Read(p []byte) (int, error) {
	g.mu.Lock()
	gate := g.gate
	g.mu.Unlock()
	if gate != nil {
		<-gate
		g.mu.Lock()
		g.gate = nil
		g.mu.Unlock()
	}
	return g.Link.Read(p)
}

// runWithCommit stages c's table, then runs frames with the COMMIT written
// in flight, and returns the Run's result and the decisions the model
// makes with the old table (old) and the new (new); the model keeps the
// new table.
func (b *Bench) runWithCommit(frames [][]byte, bp sim.Backpressure, c Change) (res sim.Result, runErr error, old, new []host.Decision, err error) {
	if err = b.dev.StageTable(c.Partition, c.Table); err != nil {
		return res, nil, nil, nil, fmt.Errorf("change %v: %w", c, err)
	}
	before, err := b.dev.Status()
	if err != nil {
		return res, nil, nil, nil, err
	}
	wrote, gate := b.pipe.arm()
	done := make(chan error, 1)
	go func() { done <- b.dev.Transport().Write32(driver.RegCommit, 1<<c.Partition) }()
	select {
	case <-wrote:
	case err = <-done: // failed before its bytes went out
		close(gate)
		return res, nil, nil, nil, fmt.Errorf("change %v: COMMIT: %v", c, err)
	}
	t0 := time.Now()
	res, runErr = b.sim.Run(frames, bp)
	b.SimElapsed += time.Since(t0)
	b.Cycles += res.Cycles
	close(gate)
	if err = <-done; err != nil {
		return res, runErr, nil, nil, fmt.Errorf("change %v: COMMIT during the batch: %v", c, err)
	}
	after, err := b.dev.Status()
	if err != nil {
		return res, runErr, nil, nil, err
	}
	if (after.ActiveBank^before.ActiveBank)&(1<<c.Partition) == 0 {
		return res, runErr, nil, nil, fmt.Errorf("change %v: COMMIT written during the batch but the active bank did not change (STATUS 0x%x)", c, after.ActiveBank)
	}
	t1 := time.Now()
	old = make([]host.Decision, len(frames))
	new = make([]host.Decision, len(frames))
	for i, f := range frames {
		old[i] = b.model.Decide(f)
	}
	if err = b.model.SetTable(c.Partition, c.Table); err != nil {
		return res, runErr, nil, nil, err
	}
	for i, f := range frames {
		new[i] = b.model.Decide(f)
	}
	b.ModelElapsed += time.Since(t1)
	return res, runErr, old, new, nil
}

// commitBoundary is the first frame of the batch the hardware decided with
// the new table: the first whose decision is not the old table's (the
// checks that follow compare every frame from there with the new table).
func commitBoundary(hw []uint64, old, new []host.Decision) int {
	k := 0
	for k < len(hw) && k < len(old) && hw[k] == old[k].Word() {
		k++
	}
	// Frames that decide alike under both tables do not pin k down; move
	// it back over them, so k is the earliest consistent boundary.
	for k > 0 && old[k-1] == new[k-1] {
		k--
	}
	return k
}
