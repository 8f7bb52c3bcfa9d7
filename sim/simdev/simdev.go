// Package simdev registers the Verilated RTL as the driver transport "sim",
// so `-d sim` works wherever driver.Open is used. It lives apart from
// package sim to keep sim free of driver (the dependency runs one way).
//
// Device names:
//
//	sim              direct AXI-Lite port (fast register access)
//	sim:link         through fs_link_bridge and the driver/link protocol
//	sim:fst=PATH     either of the above, with an FST waveform (comma-
//	sim:link,fst=P   separated options)
//	sim:name=X       a simulator shared by every Open of the same name in
//	                 this process (its state outlives Close), so successive
//	                 commands in one process (tests, scripts using the
//	                 package) see one board
package simdev

import (
	"fmt"
	"strings"
	"sync"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/driver/link"
	"github.com/flowsteer/flowsteer/sim"
)

func init() { driver.RegisterOpener("sim", Open) }

// shared holds the named simulators of this process.
var shared = struct {
	sync.Mutex
	sims map[string]*sim.Sim
}{sims: map[string]*sim.Sim{}}

// Open opens a simulator from the part of the device name after "sim:": a
// fresh one, or with name=X the process-wide one of that name.
func Open(arg string) (driver.Transport, error) {
	opts, name, err := parseArg(arg)
	if err != nil {
		return nil, err
	}
	var s *sim.Sim
	if name != "" {
		shared.Lock()
		defer shared.Unlock()
		if s = shared.sims[name]; s == nil {
			if s, err = sim.New(opts); err != nil {
				return nil, err
			}
			shared.sims[name] = s
		} else if err = s.SetViaLink(opts.ViaLink); err != nil {
			return nil, err
		}
	} else if s, err = sim.New(opts); err != nil {
		return nil, err
	}
	owned := name == ""
	if !opts.ViaLink {
		if owned {
			return s, nil
		}
		return keepOpen{s}, nil
	}
	c, err := link.NewConn(s.LinkPipe())
	if err != nil {
		if owned {
			s.Close()
		}
		return nil, fmt.Errorf("sim:link: %w", err)
	}
	return &linkTransport{Conn: c, sim: s, owned: owned}, nil
}

// keepOpen is a shared simulator whose Close leaves it running.
type keepOpen struct{ *sim.Sim }

func (keepOpen) Close() error { return nil }

func parseArg(arg string) (o sim.Options, name string, err error) {
	if arg == "" {
		return o, "", nil
	}
	for _, part := range strings.Split(arg, ",") {
		switch k, v, _ := strings.Cut(part, "="); k {
		case "link":
			o.ViaLink = true
		case "fst":
			if v == "" {
				return o, "", fmt.Errorf("%w: sim: fst= needs a file path (sim:fst=wave.fst)", driver.ErrBadDevice)
			}
			o.FST = v
		case "name":
			if v == "" {
				return o, "", fmt.Errorf("%w: sim: name= needs a name (sim:name=board0)", driver.ErrBadDevice)
			}
			name = v
		default:
			return o, "", fmt.Errorf("%w: sim: unknown option %q (want link, fst=PATH, name=X)", driver.ErrBadDevice, part)
		}
	}
	return o, name, nil
}

// linkTransport is a link.Conn whose Close also frees the simulator. The
// embedded Conn keeps its ReadBurst and byte-burst methods.
type linkTransport struct {
	*link.Conn
	sim   *sim.Sim
	owned bool // false for a shared (named) simulator
}

func (t *linkTransport) Close() error {
	err := t.Conn.Close()
	if !t.owned {
		return err
	}
	if cerr := t.sim.Close(); err == nil {
		err = cerr
	}
	return err
}
