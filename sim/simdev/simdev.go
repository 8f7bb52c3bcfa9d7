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
package simdev

import (
	"fmt"
	"strings"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/driver/link"
	"github.com/flowsteer/flowsteer/sim"
)

func init() { driver.RegisterOpener("sim", Open) }

// Open opens a fresh simulator from the part of the device name after "sim:".
func Open(arg string) (driver.Transport, error) {
	opts, err := parseArg(arg)
	if err != nil {
		return nil, err
	}
	s, err := sim.New(opts)
	if err != nil {
		return nil, err
	}
	if !opts.ViaLink {
		return s, nil
	}
	c, err := link.NewConn(s.LinkPipe())
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("sim:link: %w", err)
	}
	return &linkTransport{Conn: c, sim: s}, nil
}

func parseArg(arg string) (sim.Options, error) {
	var o sim.Options
	if arg == "" {
		return o, nil
	}
	for _, part := range strings.Split(arg, ",") {
		switch k, v, _ := strings.Cut(part, "="); k {
		case "link":
			o.ViaLink = true
		case "fst":
			if v == "" {
				return o, fmt.Errorf("sim: fst= needs a file path (sim:fst=wave.fst)")
			}
			o.FST = v
		default:
			return o, fmt.Errorf("sim: unknown option %q (want link, fst=PATH)", part)
		}
	}
	return o, nil
}

// linkTransport is a link.Conn whose Close also frees the simulator. The
// embedded Conn keeps its ReadBurst and byte-burst methods.
type linkTransport struct {
	*link.Conn
	sim *sim.Sim
}

func (t *linkTransport) Close() error {
	err := t.Conn.Close()
	if cerr := t.sim.Close(); err == nil {
		err = cerr
	}
	return err
}
