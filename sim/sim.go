// Package sim runs the Verilated flowsteer RTL (hdl/flowsteer_top.v and
// hdl/fs_link_bridge.v, two Verilated models wired together in sim/csrc) in-process
// through cgo: frames in, decision words and egress frames out, registers
// read and written as a board has them.
//
// It knows nothing about SPEC: decision words are returned raw (callers
// decode them with host.DecisionFromWord) and register addresses are plain
// numbers (driver/ owns the map).
//
// The package links build/sim/libflowsteer_sim.a and includes the generated
// libstamp_gen.go (the archive's hash, so the go command's caches see a new
// RTL), both written by `make sim-lib`; it does not build before that.
// sim/sim.mk makes go vet, go test and the CLI build depend on the library.
package sim

/*
#cgo CFLAGS: -I${SRCDIR}/csrc
#cgo LDFLAGS: ${SRCDIR}/../build/sim/libflowsteer_sim.a -lz -lstdc++ -lm -lpthread
#include <stdlib.h>
#include "fs_sim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// Options configure one simulator instance.
type Options struct {
	// FST, when not empty, is the path of an FST waveform written for the
	// cycles [FSTStart, FSTStop) (FSTStop 0 = to the end). The file is
	// complete after Close.
	FST               string
	FSTStart, FSTStop uint64
	// ViaLink routes the core's AXI-Lite slave through fs_link_bridge: then
	// registers are reached only through LinkPipe and Read32/Write32 fail.
	ViaLink bool
}

// Backpressure shapes a Run. Probabilities are per mille (0..1000): the
// chance that ingress withholds tvalid before a beat, and that egress and
// decision tready are low in a cycle. Bursty keeps the same long-run rates
// but groups stall cycles into runs (mean 16 cycles). Seed makes a run
// repeatable.
type Backpressure struct {
	Seed                                              uint64
	InGapPermille, OutStallPermille, DecStallPermille uint32
	Bursty                                            bool
	// IdleTimeout is the number of cycles without any handshake after which
	// Run gives up with ErrTimeout; 0 = 200000.
	IdleTimeout uint64
}

// Result of one Run: decision words and egress frames in the order the RTL
// produced them, and the cycles the run took.
type Result struct {
	Decisions []uint64
	Egress    [][]byte
	TDest     []uint16
	Cycles    uint64
}

// Errors a caller may want to tell apart (use errors.Is).
var (
	ErrTimeout   = errors.New("sim: timeout")
	ErrProtocol  = errors.New("sim: protocol violation")
	ErrNeedReset = errors.New("sim: model needs Reset")
	ErrBus       = errors.New("sim: AXI-Lite error response")
	ErrMode      = errors.New("sim: not available in this CSR mode")
	ErrClosed    = errors.New("sim: closed")
)

// Sim is one Verilated model. Its methods are safe for concurrent use (they
// serialize); separate Sims run independently.
type Sim struct {
	mu      sync.Mutex
	h       *C.fs_sim
	viaLink bool
	link    *linkPipe
	// Run's input staging, kept between calls (under mu): a fresh buffer per
	// batch cost page faults and GC work comparable to the simulation itself.
	inBuf []byte
	inOff []uint32
}

// BuildInfo names the RTL the library was built from, its parameters,
// whether FST tracing is compiled in, and the archive's hash.
func BuildInfo() string {
	return C.GoString(C.fs_sim_build_info()) + " lib=" + libStamp[:12]
}

// New builds a model and holds it in reset for a few cycles.
func New(opts Options) (*Sim, error) {
	var copts C.fs_sim_opts
	if opts.FST != "" {
		p := C.CString(opts.FST)
		defer C.free(unsafe.Pointer(p))
		copts.fst_path = p
	}
	if opts.FSTStop != 0 && opts.FSTStop <= opts.FSTStart {
		return nil, fmt.Errorf("sim: FST window [%d, %d) is empty", opts.FSTStart, opts.FSTStop)
	}
	copts.fst_start = C.uint64_t(opts.FSTStart)
	copts.fst_stop = C.uint64_t(opts.FSTStop)
	if opts.ViaLink {
		copts.via_link = 1
	}
	var errbuf [256]C.char
	h := C.fs_sim_new(&copts, &errbuf[0], C.size_t(len(errbuf)))
	if h == nil {
		return nil, errors.New(C.GoString(&errbuf[0]))
	}
	s := &Sim{h: h, viaLink: opts.ViaLink}
	s.link = &linkPipe{s: s}
	return s, nil
}

// SetViaLink switches the CSR port between the direct AXI-Lite port and the
// link bridge, between transactions, keeping all state (a board whose host
// cable changes). Named shared simulators (sim/simdev) use it.
func (s *Sim) SetViaLink(viaLink bool) error {
	if s.h == nil {
		return ErrClosed
	}
	v := C.int(0)
	if viaLink {
		v = 1
	}
	if err := s.status(C.fs_sim_set_via_link(s.h, v)); err != nil {
		return err
	}
	s.viaLink = viaLink
	return nil
}

// status turns a C return code into an error wrapping the matching sentinel.
func (s *Sim) status(rc C.int) error {
	if rc == C.FS_OK {
		return nil
	}
	msg := C.GoString(C.fs_sim_error(s.h))
	var kind error
	switch rc {
	case C.FS_E_TIMEOUT:
		kind = ErrTimeout
	case C.FS_E_PROTOCOL:
		kind = ErrProtocol
	case C.FS_E_NEED_RESET:
		kind = ErrNeedReset
	case C.FS_E_BUS:
		kind = ErrBus
	case C.FS_E_MODE:
		kind = ErrMode
	default:
		return errors.New(msg)
	}
	return &simError{msg: msg, kind: kind}
}

type simError struct {
	msg  string
	kind error
}

func (e *simError) Error() string { return e.msg }
func (e *simError) Unwrap() error { return e.kind }

// lock returns with s.mu held, or an error when closed.
func (s *Sim) lock() error {
	s.mu.Lock()
	if s.h == nil {
		s.mu.Unlock()
		return ErrClosed
	}
	return nil
}

// Close frees the model and completes the FST file, if any.
func (s *Sim) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h != nil {
		C.fs_sim_free(s.h)
		s.h = nil
	}
	return nil
}

// Reset holds rst high for a few cycles: registers return to their reset
// values and an earlier timeout or protocol error is cleared.
func (s *Sim) Reset() error {
	if err := s.lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	return s.status(C.fs_sim_reset(s.h, 8))
}

// Step runs n idle cycles (streams idle; link bytes keep flowing).
func (s *Sim) Step(n uint64) error {
	if err := s.lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	return s.status(C.fs_sim_step(s.h, C.uint64_t(n)))
}

// Cycles is the number of clock cycles run since New.
func (s *Sim) Cycles() uint64 {
	if s.lock() != nil {
		return 0
	}
	defer s.mu.Unlock()
	return uint64(C.fs_sim_cycles(s.h))
}

// Read32 reads a register over the direct AXI-Lite port.
func (s *Sim) Read32(addr uint32) (uint32, error) {
	if err := s.lock(); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	var v C.uint32_t
	err := s.status(C.fs_sim_read32(s.h, C.uint32_t(addr), &v))
	return uint32(v), err
}

// Write32 writes a register over the direct AXI-Lite port.
func (s *Sim) Write32(addr, val uint32) error {
	if err := s.lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	return s.status(C.fs_sim_write32(s.h, C.uint32_t(addr), C.uint32_t(val)))
}

// WriteBurst writes vals to consecutive registers from addr, in one cgo call.
func (s *Sim) WriteBurst(addr uint32, vals []uint32) error {
	if len(vals) == 0 {
		return nil
	}
	if err := s.lock(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	return s.status(C.fs_sim_write_burst(s.h, C.uint32_t(addr),
		(*C.uint32_t)(unsafe.Pointer(&vals[0])), C.uint32_t(len(vals))))
}

// LinkPipe is the host side of fs_link_bridge's byte streams (Options.ViaLink
// only), usable as a driver/link.Pipe: Write queues bytes for the bridge and
// runs the clock until it has taken them; Read runs the clock until the
// bridge has sent at least one byte. Neither hangs: Read stops at its read
// deadline (os.ErrDeadlineExceeded) or, without one, after about a million
// idle cycles (ErrTimeout), and Write after as many cycles of refusal.
func (s *Sim) LinkPipe() Link { return s.link }

// Run drives the frames through the pipeline in one cgo call (see
// Backpressure) and returns when every frame has been accepted, one
// decision and one egress frame per frame are out and the pipeline stays
// quiet for a short drain window. On error the partial Result is returned
// too, and the model needs Reset before the next Run.
func (s *Sim) Run(frames [][]byte, bp Backpressure) (Result, error) {
	if bp.InGapPermille > 1000 || bp.OutStallPermille > 1000 || bp.DecStallPermille > 1000 {
		return Result{}, fmt.Errorf("sim: backpressure per-mille values must be 0..1000 (got %d/%d/%d)",
			bp.InGapPermille, bp.OutStallPermille, bp.DecStallPermille)
	}
	if len(frames) >= math.MaxUint32 {
		return Result{}, fmt.Errorf("sim: %d frames in one batch; split it", len(frames))
	}
	total := 0
	for _, f := range frames {
		total += len(f)
	}
	if total >= math.MaxUint32 {
		return Result{}, fmt.Errorf("sim: %d bytes in one batch; split it", total)
	}
	n := len(frames)
	if err := s.lock(); err != nil {
		return Result{}, err
	}
	defer s.mu.Unlock()
	// one contiguous buffer so C sees plain pointers (no Go pointers inside)
	if cap(s.inBuf) < total+1 {
		s.inBuf = make([]byte, total+1) // +1: &buf[0] valid when every frame is empty
	}
	if cap(s.inOff) < n+1 {
		s.inOff = make([]uint32, n+1)
	}
	buf, offsets := s.inBuf[:total+1], s.inOff[:n+1]
	pos := 0
	for i, f := range frames {
		offsets[i] = uint32(pos)
		pos += copy(buf[pos:], f)
	}
	offsets[n] = uint32(pos)
	decisions := make([]uint64, n+1)
	egress := make([]byte, total+1)
	egressOffsets := make([]uint32, n+2)
	tdest := make([]uint16, n+1)

	cbp := C.fs_backpressure{
		seed:         C.uint64_t(bp.Seed),
		in_gap_pm:    C.uint32_t(bp.InGapPermille),
		out_stall_pm: C.uint32_t(bp.OutStallPermille),
		dec_stall_pm: C.uint32_t(bp.DecStallPermille),
		idle_timeout: C.uint64_t(bp.IdleTimeout),
	}
	if bp.Bursty {
		cbp.bursty = 1
	}
	var res C.fs_run_result
	rc := C.fs_sim_run_frames(s.h, (*C.uint8_t)(&buf[0]), (*C.uint32_t)(&offsets[0]), C.uint32_t(n), &cbp,
		(*C.uint64_t)(&decisions[0]), (*C.uint8_t)(&egress[0]), C.uint64_t(total),
		(*C.uint32_t)(&egressOffsets[0]), (*C.uint16_t)(&tdest[0]), &res)
	out := Result{
		Decisions: decisions[:res.decisions:res.decisions],
		Egress:    make([][]byte, res.egress),
		TDest:     tdest[:res.egress:res.egress],
		Cycles:    uint64(res.cycles),
	}
	for j := range out.Egress {
		out.Egress[j] = egress[egressOffsets[j]:egressOffsets[j+1]:egressOffsets[j+1]]
	}
	return out, s.status(rc)
}
