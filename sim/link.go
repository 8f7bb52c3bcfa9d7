package sim

/*
#include "fs_sim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"
	"unsafe"
)

// Link is the host end of fs_link_bridge's byte streams. Besides
// io.ReadWriter it has SetReadDeadline, so it satisfies driver/link.Pipe.
type Link interface {
	io.ReadWriter
	SetReadDeadline(t time.Time) error
}

const (
	// linkCycleBudget bounds one Write, and a Read without a deadline: far
	// longer than any register transaction through the bridge, short enough
	// to fail fast when it is stuck.
	linkCycleBudget = 1 << 20
	// linkChunk is how many cycles a Read with a deadline runs per cgo call
	// before it looks at the clock.
	linkChunk = 4096
)

type linkPipe struct {
	s        *Sim
	deadline time.Time
}

// SetReadDeadline makes Read give up (with an error wrapping
// os.ErrDeadlineExceeded) once t has passed in wall time; zero t removes it.
func (l *linkPipe) SetReadDeadline(t time.Time) error {
	l.deadline = t
	return nil
}

// Write hands p to the bridge's rx stream and clocks until all of it is taken.
// Bytes the bridge sends meanwhile wait for Read.
func (l *linkPipe) Write(p []byte) (int, error) {
	s := l.s
	if err := s.lock(); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	if len(p) == 0 {
		return 0, nil
	}
	var nout C.uint32_t
	rc := C.fs_sim_link_exchange(s.h, (*C.uint8_t)(unsafe.Pointer(&p[0])), C.uint32_t(len(p)),
		nil, 0, &nout, 0, linkCycleBudget)
	if err := s.status(rc); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Read clocks until the bridge has sent at least one byte, then returns what
// is waiting (up to len(p)).
func (l *linkPipe) Read(p []byte) (int, error) {
	s := l.s
	if err := s.lock(); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	if len(p) == 0 {
		return 0, nil
	}
	exchange := func(cycles uint64) (int, error) {
		var nout C.uint32_t
		rc := C.fs_sim_link_exchange(s.h, nil, 0, (*C.uint8_t)(unsafe.Pointer(&p[0])), C.uint32_t(len(p)),
			&nout, 1, C.uint64_t(cycles))
		return int(nout), s.status(rc)
	}
	if l.deadline.IsZero() {
		return exchange(linkCycleBudget)
	}
	for {
		n, err := exchange(linkChunk)
		if err == nil || !errors.Is(err, ErrTimeout) {
			return n, err
		}
		if !time.Now().Before(l.deadline) {
			return 0, fmt.Errorf("sim: link read: %w", os.ErrDeadlineExceeded)
		}
	}
}
