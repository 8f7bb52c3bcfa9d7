package sim

/*
#include "fs_sim.h"
*/
import "C"

import "unsafe"

// linkCycleBudget bounds one LinkPipe call: far longer than any register
// transaction through the bridge, short enough to fail fast when it is stuck.
const linkCycleBudget = 1 << 20

type linkPipe struct{ s *Sim }

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
	var nout C.uint32_t
	rc := C.fs_sim_link_exchange(s.h, nil, 0, (*C.uint8_t)(unsafe.Pointer(&p[0])), C.uint32_t(len(p)),
		&nout, 1, linkCycleBudget)
	return int(nout), s.status(rc)
}
